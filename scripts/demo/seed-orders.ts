import type { ApiClient } from './api-client.ts';
import type { DemoProcess } from './child-process.ts';
import { DEMO_LOCKERS } from './layouts.ts';
import { type BookedOrder, book, courierDeposits, eventually, orderReaches } from './orders.ts';
import { DEMO_PEOPLE } from './personal-data.ts';
import type { DemoState, SeededOrder } from './seed.ts';

type AgentResult = { ok: true } | { ok: false; code: string; message: string };

/** What the banner shows of an order: the code a person would type next, if any. */
function seeded(order: BookedOrder, story: string, code = order.code): SeededOrder {
  const { orderId, tenant, lockerId, barcode } = order;
  return { orderId, tenant, lockerId, barcode, code, story };
}

/**
 * A few orders in several states, made the way they are made for real: booked through the API,
 * deposited by a courier at the locker, collected with the code.
 */
export async function seedOrders(
  api: ApiClient,
  state: DemoState,
  agents: ReadonlyMap<string, DemoProcess>,
): Promise<SeededOrder[]> {
  const [market, ozon, wb, lamoda, cleaner, network] = state.tenants;
  const [first, second, third] = DEMO_LOCKERS.map((l) => l.id);
  if (!market || !ozon || !wb || !lamoda || !cleaner || !network || !first || !second || !third) {
    throw new Error('the demo network is incomplete; delete the data directory and start again');
  }
  const agent = (id: string) => agents.get(id)!;
  const orders: SeededOrder[] = [];

  const waiting = await book(api, market, {
    kind: 'delivery',
    lockerId: first,
    size: 'S',
    barcode: 'YM-100200300',
  });
  orders.push(seeded(waiting, 'booked; a courier has yet to bring it'));

  const ready = await book(api, ozon, {
    kind: 'delivery',
    lockerId: first,
    size: 'M',
    barcode: 'OZ-554433',
  });
  await courierDeposits(api, agent(first), state, ready);
  await orderReaches(api, ozon.apiKey, ready.orderId, 'ready-for-pickup');
  orders.push(seeded(ready, 'in the locker, ready for pickup'));

  const done = await book(api, wb, {
    kind: 'delivery',
    lockerId: second,
    size: 'S',
    barcode: 'WB-778899',
  });
  await courierDeposits(api, agent(second), state, done);
  await orderReaches(api, wb.apiKey, done.orderId, 'ready-for-pickup');
  const collected = await agent(second).call<AgentResult>('enterCode', done.code);
  if (!collected.ok) throw new Error(`collecting ${done.barcode} failed: ${collected.message}`);
  await orderReaches(api, wb.apiKey, done.orderId, 'collected');
  orders.push(seeded(done, 'collected by the recipient'));
  orders.push(await codParcel(api, state, agent(second), wb));

  const ret = await book(api, lamoda, {
    kind: 'return',
    lockerId: third,
    size: 'M',
    barcode: 'LM-RET-4242',
  });
  orders.push(seeded(ret, 'return booked; the sender brings it with this code'));

  const cleaning = await book(api, cleaner, {
    kind: 'service-round-trip',
    lockerId: third,
    size: 'L',
    barcode: 'DC-COAT-17',
    recipient: DEMO_PEOPLE.cleanerClient,
  });
  orders.push(seeded(cleaning, 'coat for dry cleaning; the resident deposits it with this code'));
  orders.push(...(await selfRunOrders(api, network, agent(first), agent(second), first, second)));
  return orders;
}

/** What the demo's cash-on-delivery parcel costs: 1 499 ₽. */
export const DEMO_COD_KOPECKS = 149_900;

/**
 * A cash-on-delivery parcel in the locker: the recipient's code asks for the money first, paid
 * at the kiosk by card (the simulated terminal approves) or by the SBP QR.
 */
async function codParcel(
  api: ApiClient,
  state: DemoState,
  agent: DemoProcess,
  tenant: DemoState['tenants'][number],
): Promise<SeededOrder> {
  const cod = await book(api, tenant, {
    kind: 'delivery',
    lockerId: agent.name,
    size: 'S',
    barcode: 'WB-COD-1499',
    cashOnDelivery: { amountKopecks: DEMO_COD_KOPECKS },
  });
  await courierDeposits(api, agent, state, cod);
  await orderReaches(api, tenant.apiKey, cod.orderId, 'ready-for-pickup');
  return {
    ...seeded(cod, 'cash on delivery, 1 499 ₽: pay at the kiosk with this code'),
    codKopecks: DEMO_COD_KOPECKS,
  };
}

/**
 * The services the network runs itself, with a person's phone so the cloud tells them: a
 * resident's parcel to a neighbour (deposited by the sender, so the recipient is told it is
 * ready) and a cell rented for a day (the renter gets both codes).
 */
async function selfRunOrders(
  api: ApiClient,
  network: DemoState['tenants'][number],
  firstAgent: DemoProcess,
  secondAgent: DemoProcess,
  first: string,
  second: string,
): Promise<SeededOrder[]> {
  const gift = await book(api, network, {
    kind: 'resident-to-resident',
    lockerId: first,
    size: 'S',
    barcode: 'R2R-GIFT-1',
    recipient: DEMO_PEOPLE.recipient,
  });
  await depositWithCode(firstAgent, gift, gift.codes.deposit);
  await orderReaches(api, network.apiKey, gift.orderId, 'ready-for-pickup');
  const rental = await book(api, network, {
    kind: 'rental',
    lockerId: second,
    size: 'M',
    barcode: 'RENT-1',
    recipient: DEMO_PEOPLE.renter,
  });
  await depositWithCode(secondAgent, rental, rental.codes.deposit);
  await eventually('the rental to start in the cloud', 30_000, async () => {
    const view = await api.call<{ status: string }>(
      'GET',
      `/v1/orders/${rental.orderId}`,
      network.apiKey,
    );
    return view.status === 'booked' ? undefined : true;
  });
  return [
    seeded(gift, 'a neighbour’s gift, ready; the recipient was sent this code', gift.codes.pickup),
    seeded(
      rental,
      'a rented cell with things in it; the renter collects with this code',
      rental.codes.rental,
    ),
  ];
}

/**
 * A resident types the deposit code at the locker once the booking has synced (a code typed
 * before would count as a wrong one); the simulated person closes the door.
 */
async function depositWithCode(agent: DemoProcess, order: BookedOrder, code: string | undefined) {
  if (code === undefined) throw new Error(`no deposit code for ${order.barcode}`);
  await eventually(`${order.lockerId} to know ${order.barcode}`, 30_000, async () =>
    (await agent.call<string | null>('orderStatus', order.orderId)) === null ? undefined : true,
  );
  const r = await agent.call<AgentResult>('enterCode', code);
  if (!r.ok) throw new Error(`depositing ${order.barcode} failed: ${r.message}`);
}
