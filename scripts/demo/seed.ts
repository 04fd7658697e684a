import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient } from './api-client.ts';
import { cellSpecs, DEMO_LOCKERS } from './layouts.ts';

/** What the first start creates and every later start reads back (data/demo.json, mode 0600). */
export interface DemoState {
  readonly adminKey: string;
  readonly operatorKey: string;
  /** The operator's console admin (absent in data from before the console). */
  readonly tenants: { readonly name: string; readonly tenantId: string; readonly apiKey: string }[];
  readonly lockers: { readonly id: string; readonly configFile: string }[];
  /** One courier for each of the first three marketplaces. */
  readonly couriers: { readonly tenant: string; readonly courierId: string }[];
  /** Orders the first start made, shown again on every start. */
  orders: SeededOrder[];
  /** The operator console's admin (scripts/demo/console-user.ts). */
  consoleUser?: { readonly email: string; readonly password: string };
}

export interface SeededOrder {
  readonly orderId: string;
  readonly tenant: string;
  readonly lockerId: string;
  readonly barcode: string;
  readonly code: string | undefined;
  readonly story: string;
  /** Cash on delivery: what the recipient pays at the kiosk before the door opens. */
  readonly codKopecks?: number;
}

export const DEMO_TENANTS = [
  { name: 'Яндекс Маркет', kind: 'marketplace' },
  { name: 'OZON', kind: 'marketplace' },
  { name: 'Wildberries', kind: 'marketplace' },
  { name: 'Lamoda', kind: 'shop' },
  { name: 'Химчистка «Диана»', kind: 'service-partner' },
  // The network's own services (resident to resident, rental) booked from its app.
  { name: 'Постамат-Сити: соседи', kind: 'service-partner' },
] as const;

export function stateFile(dataDir: string): string {
  return join(dataDir, 'demo.json');
}

export function loadState(dataDir: string): DemoState | undefined {
  const file = stateFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoState) : undefined;
}

/** A fresh admin key for the first start; later starts reuse the saved one. */
export function adminKeyFor(dataDir: string): string {
  return loadState(dataDir)?.adminKey ?? `demo-admin-${randomBytes(12).toString('hex')}`;
}

/** Creates the operator, the tenants and the three lockers, and writes each agent's config. */
export async function seedNetwork(
  api: ApiClient,
  adminKey: string,
  dataDir: string,
  agentConfig: (lockerIndex: number, provisioned: Record<string, unknown>) => object,
): Promise<DemoState> {
  const operator = await api.call<{ operatorId: string; apiKey: string }>(
    'POST',
    '/v1/admin/operators',
    adminKey,
    { name: 'Постамат-Сити' },
  );
  const tenants = [];
  for (const t of DEMO_TENANTS) {
    const created = await api.call<{ tenantId: string; apiKey: string }>(
      'POST',
      '/v1/admin/tenants',
      adminKey,
      t,
    );
    await api.call('POST', `/v1/operator/tenants/${created.tenantId}/access`, operator.apiKey);
    tenants.push({ name: t.name, tenantId: created.tenantId, apiKey: created.apiKey });
  }
  const lockers = [];
  for (const [i, locker] of DEMO_LOCKERS.entries()) {
    const { agentConfig: provisioned } = await api.call<{ agentConfig: Record<string, unknown> }>(
      'POST',
      '/v1/operator/lockers',
      operator.apiKey,
      {
        id: locker.id,
        address: locker.address,
        lat: locker.lat,
        lon: locker.lon,
        cells: cellSpecs(locker),
      },
    );
    const dir = join(dataDir, 'lockers', locker.id);
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'agent.json');
    writeFileSync(configFile, JSON.stringify(agentConfig(i, provisioned), null, 2), {
      mode: 0o600,
    });
    lockers.push({ id: locker.id, configFile });
  }
  const couriers = [];
  for (const [i, tenant] of tenants.slice(0, 3).entries()) {
    const courier = await api.call<{ id: string }>('POST', '/v1/couriers', tenant.apiKey, {
      name: ['Иван Курьеров', 'Ольга Доставкина', 'Пётр Быстров'][i] ?? 'Курьер',
    });
    couriers.push({ tenant: tenant.name, courierId: courier.id });
  }
  const state: DemoState = {
    adminKey,
    operatorKey: operator.apiKey,
    tenants,
    lockers,
    couriers,
    orders: [],
  };
  saveState(dataDir, state);
  return state;
}

export function saveState(dataDir: string, state: DemoState): void {
  writeFileSync(stateFile(dataDir), JSON.stringify(state, null, 2), { mode: 0o600 });
}
