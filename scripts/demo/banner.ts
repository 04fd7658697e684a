import type { DemoLocker } from './layouts.ts';
import type { DemoState } from './seed.ts';
import type { DemoSettings } from './settings.ts';

export interface BannerInput {
  readonly settings: DemoSettings;
  readonly state: DemoState;
  readonly lockers: readonly (DemoLocker & { readonly kioskUrl: string })[];
  readonly statuses: ReadonlyMap<string, string>;
  readonly courierCode: string | undefined;
  readonly consoleUser: { readonly email: string; readonly password: string };
}

const rub = (kopecks: number) => `${(kopecks / 100).toLocaleString('ru-RU')} ₽`;

/** What a newcomer needs after `npm start`: where to look, which keys, what to type. */
export function banner({
  settings,
  state,
  lockers,
  statuses,
  courierCode,
  consoleUser,
}: BannerInput): string {
  const api = `http://${settings.host}:${settings.apiPort}`;
  const market = state.tenants[0]!;
  const first = lockers[0]!;
  const ready = state.orders.find((o) => statuses.get(o.orderId) === 'ready-for-pickup');
  const waiting = state.orders.find(
    (o) => statuses.get(o.orderId) === 'booked' && o.barcode.startsWith('YM'),
  );
  const lines = [
    '',
    'postamat demo is running — a cloud and three lockers on this machine.',
    '',
    `  API        ${api}/v1   docs ${api}/docs   metrics ${api}/metrics`,
    `  console    ${api}/console/   sign in: ${consoleUser.email}  password ${consoleUser.password}`,
    `  MQTT       mqtt://${settings.host}:${settings.mqttPort}`,
    ...lockers.map((l) => `  kiosk      ${l.kioskUrl}   ${l.id} — ${l.address}`),
    `  data       ${settings.dataDir}   (logs in ${settings.dataDir}/logs)`,
    '',
    'API keys (kept in data/demo.json):',
    `  operator          ${state.operatorKey}`,
    ...state.tenants.map((t) => `  ${t.name.padEnd(18)}${t.apiKey}`),
    '',
    'Orders:',
    ...state.orders.map(
      (o) =>
        `  ${o.barcode.padEnd(14)} ${o.tenant.padEnd(18)} ${o.lockerId.padEnd(16)} ${(statuses.get(o.orderId) ?? '?').padEnd(17)} ${o.code ? `code ${o.code}` : ''}  ${o.story}`,
    ),
    '',
  ];
  if (ready?.code) {
    const kiosk = lockers.find((l) => l.id === ready.lockerId)?.kioskUrl;
    lines.push(`Collect a parcel: open ${kiosk}, tap «Получить посылку», type ${ready.code}.`);
  }
  const cod = state.orders.find(
    (o) => o.codKopecks !== undefined && statuses.get(o.orderId) === 'ready-for-pickup',
  );
  if (cod?.code) {
    const kiosk = lockers.find((l) => l.id === cod.lockerId)?.kioskUrl;
    lines.push(
      `Pay cash on delivery: open ${kiosk}, tap «Получить посылку», type ${cod.code}, pay ${rub(cod.codKopecks ?? 0)} by card (the simulated terminal approves) or SBP.`,
    );
  }
  lines.push(
    `Rent a cell: at any kiosk tap «Арендовать ячейку» → «Новая аренда», pick a size and hours, pay by card; the code is shown once.`,
  );
  if (waiting && courierCode) {
    const kiosk = lockers.find((l) => l.id === waiting.lockerId)?.kioskUrl;
    lines.push(
      `Be the courier: at ${kiosk} tap «Я курьер», enter today's code ${courierCode}, scan or type ${waiting.barcode}.`,
    );
  }
  lines.push(
    '',
    'Book a delivery yourself (the answer carries the pickup code):',
    `  curl -s -X POST ${api}/v1/orders -H 'authorization: Bearer ${market.apiKey}' \\`,
    `    -H 'content-type: application/json' -H "idempotency-key: $(date +%s)" \\`,
    `    -d '{"kind":"delivery","lockerId":"${first.id}","size":"M","barcode":"MY-PARCEL-1"}'`,
    '',
    'Ctrl-C stops everything; the next `npm start` keeps the data.',
    '',
  );
  return lines.join('\n');
}
