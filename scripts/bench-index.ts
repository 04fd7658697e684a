// `npm run bench`: the index of benchmark scripts. Each prints its figures next to the physical
// floor or a peer measured in the same run; docs/benchmarks.md keeps the last recorded figures.
import { readFileSync } from 'node:fs';

const descriptions: Record<string, string> = {
  'bench:bus':
    'Modbus RTU over a pseudo-terminal: unlock latency and door scans vs wire-time floor and modbus-serial',
  'bench:agent':
    'agent store: events/s with synchronous=FULL vs bare better-sqlite3; cold start; RSS after 10,000 orders',
  'bench:sync':
    'outbox → cloud committed store events/s and 100,000-event drain vs raw QoS 1 broker rate',
  'bench:api': 'cloud API orders/s and p99 (SQLite, PostgreSQL) vs a bare fastify route',
  'bench:agent-scan': 'courier scan → unlock frame on the wire, through the real agent',
  'bench:payments': 'card sale over a pty to the simulated terminal vs a bare exchange; COD pickup',
  'bench:workers':
    'events/s committed with 1, 2, 3 cloud workers via Mosquitto $share vs raw QoS 1',
  'bench:ingest':
    'cloud store events/s, fleet mix and known orders, in groups of 50 lockers vs one batch per transaction',
  'bench:fleet':
    '10,000 simulated lockers: connect, memory per locker, ingest, remote-open p99, reconnect',
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};
const benches = Object.keys(pkg.scripts).filter((name) => name.startsWith('bench:'));

console.log('postamat benchmarks (run one with `npm run <name>`; figures: docs/benchmarks.md)\n');
if (benches.length === 0) console.log('  (none yet)');
for (const name of benches) {
  console.log(`  npm run ${name.padEnd(12)} ${descriptions[name] ?? pkg.scripts[name]}`);
}
