import { COURIER, startKioskHarness, TECHNICIAN_PIN } from './testing/kiosk-harness.ts';

/**
 * The kiosk on its own for a look at the screens: `npm run kiosk:demo [-- --port 8081]`.
 * The real Agent on a throwaway SQLite file, 12 simulated cells, a few parcels and codes. The
 * simulated doors spring open on unlock; nobody is there to shut them, so the demo closes each
 * one a few seconds after it opened (`--no-auto-close` leaves that to `close <cell>` on stdin).
 */
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8081;
const autoClose = !args.includes('--no-auto-close');

const h = await startKioskHarness({ port, openTimeoutMs: 3000 });
h.seedParcel({ orderId: 'demo-1', barcodes: ['PX-0001'], code: '123456' });
h.seedParcel({ orderId: 'demo-2', barcodes: ['PX-0002'], size: 'M' });
h.seedParcel({ orderId: 'demo-3', barcodes: ['RET-0003'], code: '246810', purpose: 'return' });

if (autoClose) {
  h.agent.subscribe((e) => {
    if (e.type === 'door' && e.door === 'open') setTimeout(() => h.closeDoor(e.cellId), 4000);
  });
}
process.stdin.setEncoding('utf8').on('data', (line: string) => {
  const [command, cell] = line.trim().split(/\s+/);
  if (command === 'close' && cell) h.closeDoor(cell);
});
const stop = () => void h.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

process.stdout.write(
  [
    `kiosk: ${h.kiosk.url}`,
    'pickup code 123456 (after the courier loads PX-0001), return code 246810',
    `courier: badge ${COURIER.badge} (scan or type fast + Enter) and PIN ${COURIER.pin}; parcels PX-0001, PX-0002`,
    `technician PIN ${TECHNICIAN_PIN}`,
    autoClose
      ? 'doors close by themselves 4 s after opening'
      : 'type "close <cell>" to shut a door',
    '',
  ].join('\n'),
);
