import type { ApiClient } from './api-client.ts';
import type { DemoProcess } from './child-process.ts';
import type { DemoState, SeededOrder } from './seed.ts';

export type BookedOrder = Omit<SeededOrder, 'story'>;

interface Created {
  order: { id: string; status: string };
  codes: { purpose: string; code: string }[];
}

export interface OrderBody {
  readonly kind: string;
  readonly lockerId: string;
  readonly size: string;
  readonly barcode: string;
  /** The person the network notifies (resident-to-resident, rental, service round trip). */
  readonly recipient?: { readonly phone: string; readonly language: string };
  /** A delivery paid at the locker (cloud/README.md, "Payments"). */
  readonly cashOnDelivery?: { readonly amountKopecks: number };
}

/** Books through the API; `code` is the first code, `codes` every code by purpose. */
export async function book(
  api: ApiClient,
  tenant: DemoState['tenants'][number],
  body: OrderBody,
): Promise<BookedOrder & { codes: Readonly<Record<string, string>> }> {
  const created = await api.call<Created>('POST', '/v1/orders', tenant.apiKey, body);
  return {
    orderId: created.order.id,
    tenant: tenant.name,
    lockerId: body.lockerId,
    barcode: body.barcode,
    code: created.codes[0]?.code,
    codes: Object.fromEntries(created.codes.map((c) => [c.purpose, c.code])),
  };
}

/** Retries `attempt` until it returns a value, for at most `timeoutMs` (sync and ingest are async). */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    // The demo sees the cloud only through its HTTP API, so a bounded poll is its event here.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The agent's KioskResult as it crosses the control channel. */
type AgentResult<T> = ({ ok: true } & T) | { ok: false; code: string; message: string };

/** A courier logs in at the locker with today's code and deposits the parcel by its barcode. */
export async function courierDeposits(
  api: ApiClient,
  agent: DemoProcess,
  state: DemoState,
  order: BookedOrder,
): Promise<void> {
  const daily = await courierDailyCode(api, state, order.tenant);
  // The booking and the courier's code reach the locker by sync; wait until they have. A login
  // tried before counts as a wrong code (five lock the keypad), so first wait for the booking.
  await eventually(`${order.lockerId} to know ${order.barcode}`, 30_000, async () =>
    (await agent.call<string | null>('orderStatus', order.orderId)) === null ? undefined : true,
  );
  await eventually(`${order.lockerId} to expect ${order.barcode}`, 30_000, async () => {
    const login = await agent.call<AgentResult<{ session: { id: string } }>>('courierLogin', {
      pin: daily.code,
    });
    if (!login.ok) return undefined;
    const scan = await agent.call<AgentResult<object>>(
      'scanParcel',
      login.session.id,
      order.barcode,
    );
    await agent.call('logout', login.session.id);
    return scan.ok ? true : undefined;
  });
}

/** Waits until the cloud's view of the order reaches `status` (the locker's events arrived). */
export function orderReaches(
  api: ApiClient,
  tenantKey: string,
  orderId: string,
  status: string,
  timeoutMs = 30_000,
): Promise<true> {
  return eventually(`order ${orderId} to be ${status}`, timeoutMs, async () => {
    const order = await api.call<{ status: string }>('GET', `/v1/orders/${orderId}`, tenantKey);
    return order.status === status ? true : undefined;
  });
}

/** Today's locker code of the demo courier of `tenantName`. */
export async function courierDailyCode(
  api: ApiClient,
  state: DemoState,
  tenantName: string,
): Promise<{ code: string }> {
  const tenant = state.tenants.find((t) => t.name === tenantName);
  const courier = state.couriers.find((c) => c.tenant === tenantName);
  if (tenant === undefined || courier === undefined) {
    throw new Error(`the demo has no courier of ${tenantName}`);
  }
  return api.call('GET', `/v1/couriers/${courier.courierId}/daily-code`, tenant.apiKey);
}
