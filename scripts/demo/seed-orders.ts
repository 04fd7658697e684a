import type { ApiClient } from './api-client.ts';
import type { DemoProcess } from './child-process.ts';
import { DEMO_LOCKERS } from './layouts.ts';
import { book, courierDeposits, orderReaches } from './orders.ts';
import type { DemoState, SeededOrder } from './seed.ts';

type AgentResult = { ok: true } | { ok: false; code: string; message: string };

/**
 * A few orders in several states, made the way they are made for real: booked through the API,
 * deposited by a courier at the locker, collected with the code.
 */
export async function seedOrders(
  api: ApiClient,
  state: DemoState,
  agents: ReadonlyMap<string, DemoProcess>,
): Promise<SeededOrder[]> {
  const [market, ozon, wb, lamoda, cleaner] = state.tenants;
  const [first, second, third] = DEMO_LOCKERS.map((l) => l.id);
  if (!market || !ozon || !wb || !lamoda || !cleaner || !first || !second || !third) {
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
  orders.push({ ...waiting, story: 'booked; a courier has yet to bring it' });

  const ready = await book(api, ozon, {
    kind: 'delivery',
    lockerId: first,
    size: 'M',
    barcode: 'OZ-554433',
  });
  await courierDeposits(api, agent(first), state, ready);
  await orderReaches(api, ozon.apiKey, ready.orderId, 'ready-for-pickup');
  orders.push({ ...ready, story: 'in the locker, ready for pickup' });

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
  orders.push({ ...done, story: 'collected by the recipient' });

  const ret = await book(api, lamoda, {
    kind: 'return',
    lockerId: third,
    size: 'M',
    barcode: 'LM-RET-4242',
  });
  orders.push({ ...ret, story: 'return booked; the sender brings it with this code' });

  const cleaning = await book(api, cleaner, {
    kind: 'service-round-trip',
    lockerId: third,
    size: 'L',
    barcode: 'DC-COAT-17',
  });
  orders.push({
    ...cleaning,
    story: 'coat for dry cleaning; the resident deposits it with this code',
  });
  return orders;
}
