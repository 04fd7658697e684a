import type { CloudStore } from './store.ts';

/**
 * Test support: an operator with a closed site holding lockers S1, S2, S3 (2 M cells each) and
 * a locker OUT outside it; tenants A (with a courier) and B, both let into the lockers.
 */
export async function seedSite(store: CloudStore) {
  const { operator, apiKey: operatorKey } = await store.createOperator('Op');
  const a = await store.createTenant('Carrier A', 'carrier');
  const b = await store.createTenant('Carrier B', 'carrier');
  await store.grantTenant(operator.id, a.tenant.id);
  await store.grantTenant(operator.id, b.tenant.id);
  const site = await store.createSite(operator.id, {
    name: 'Green Park',
    kind: 'residential-complex',
    address: '1 Park lane',
  });
  const hashKeys: Record<string, string> = {};
  for (const [i, id] of ['S1', 'S2', 'S3', 'OUT'].entries()) {
    const cells = [1, 2].map((channel) => ({
      cellId: `M${channel}`,
      bus: 'rs485',
      board: 1,
      channel,
      size: 'M' as const,
      features: [],
    }));
    const provisioned = await store.provisionLocker(operator.id, {
      id,
      address: `${id} entrance`,
      lat: 55.75 + i / 1000,
      lon: 37.61,
      cells,
      ...(id === 'OUT' ? {} : { siteId: site.id }),
    });
    hashKeys[id] = provisioned.hashKey;
  }
  const courier = await store.createCourier(a.tenant.id, 'Ivan');
  const idle = await store.createCourier(a.tenant.id, 'Pyotr');
  return {
    operator,
    operatorKey,
    tenantA: a.tenant.id,
    tenantAKey: a.apiKey,
    tenantB: b.tenant.id,
    tenantBKey: b.apiKey,
    siteId: site.id,
    courierId: courier.id,
    idleCourierId: idle.id,
    hashKeys,
  };
}
