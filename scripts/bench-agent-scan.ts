// A section of `npm run bench:agent`: from a courier's scan to the unlock frame (FC05 ON) handed
// to the line, through the real agent, the real Modbus RTU master and a pseudo-terminal to the
// standalone simulator process (`--emulate-baud`). Next to it, in the same run: the bare SQLite
// commit the agent must make before any write (intent before bus write), and the frame's own
// time on the wire at the baud.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { Agent } from '../agent/agent.ts';
import { boardProfile } from '../agent/drivers/bus/board-profile.ts';
import { LockBus } from '../agent/drivers/bus/lock-bus.ts';
import { protocolRtuCodec } from '../agent/drivers/bus/protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from '../agent/drivers/bus/rtu-timing.ts';
import type { SerialBinding, SerialBindingFactory } from '../agent/drivers/bus/serial-binding.ts';
import { serialPortBinding } from '../agent/drivers/bus/serial-port-binding.ts';
import type { AgentEvent } from '../agent/services/agent-events.ts';
import { TestPaymentProvider } from '../agent/services/payment-provider.ts';
import { Store } from '../agent/store/store.ts';
import { baseSync, HASH_KEY, LOCKER, parcelSync } from '../agent/testing/agent-fixture.ts';
import { systemClock } from '../protocol/index.ts';
import { openPtyPair } from '../simulator/pty-pair.ts';
import { startSimulatorProcess } from '../simulator/standalone-process.ts';

const ROUNDS = Number(process.env.BENCH_SCAN_ROUNDS ?? 3);
const PER_ROUND = 15;

/** The line, with the moment each unlock frame (FC05, value ON) was handed to the OS. */
function stampingBinding(inner: SerialBindingFactory, onUnlock: (at: number) => void) {
  return async (): Promise<SerialBinding> => {
    const b = await inner();
    return {
      async write(bytes) {
        await b.write(bytes);
        if (bytes[1] === 0x05 && bytes[4] === 0xff) onUnlock(performance.now());
      },
      onData: (l) => b.onData(l),
      onClose: (l) => b.onClose(l),
      close: () => b.close(),
    };
  };
}

function waitEvent(agent: Agent, pred: (e: AgentEvent) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: event not seen in 10 s')), 10_000);
    const off = agent.subscribe((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** One commit of one row with the agent's pragmas: the floor of "intent written first". */
function bareCommitMs(dir: string): number {
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const xs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    db.transaction(() => insert.run('x'))();
    xs.push(performance.now() - t);
  }
  db.close();
  return median(xs);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

export async function scanToUnlockFrame(): Promise<{ medianMs: number; p95Ms: number }> {
  const serial = DEFAULT_SERIAL;
  const pty = await openPtyPair();
  const sim = await startSimulatorProcess([
    '--port',
    pty.paths[1],
    '--baud',
    String(serial.baudRate),
    '--emulate-baud',
    '--board',
    '1:16',
  ]);
  let lastFrame = 0;
  const bus = await LockBus.open({
    id: 'rs485',
    binding: stampingBinding(serialPortBinding(pty.paths[0], serial), (at) => {
      lastFrame = at;
    }),
    codec: protocolRtuCodec,
    serial,
    boards: [{ address: 1, profile: boardProfile('generic-relay', { pulseMs: 100 }) }],
    log: pino({ level: 'silent' }),
  });
  // Cells are offered only once their doors were read closed.
  const board = bus.boards()[0];
  for (let i = 0; i < 200 && board?.doorStates().some((d) => d !== 'closed'); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const samples: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'postamat-bench-scan-'));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const store = Store.open(join(dir, `agent-${round}.db`), LOCKER, systemClock);
      const agent = new Agent({
        lockerId: LOCKER,
        hashKey: HASH_KEY,
        store,
        boards: bus.boards(),
        clock: systemClock,
        log: pino({ level: 'silent' }),
        payments: new TestPaymentProvider(),
        tickMs: 250,
      });
      const layout = Array.from({ length: 16 }, (_, i) => ({
        cellId: `C${i + 1}`,
        bus: 'rs485',
        board: 1,
        channel: i + 1,
        size: 'S' as const,
        features: [],
      }));
      agent.sync.applySync({ ...baseSync(), layout });
      const barcodes = Array.from({ length: PER_ROUND }, (_, i) => `BENCH-${round}-${i}`);
      agent.sync.applySync(parcelSync(2, `O-${round}`, barcodes));
      agent.start();
      const login = agent.courierLogin({ badge: 'B-100', pin: '1234' });
      if (!login.ok) throw new Error(login.code);
      for (const barcode of barcodes) {
        const frameBefore = lastFrame;
        const t0 = performance.now();
        const scan = agent.scanParcel(login.session.id, barcode);
        if (!scan.ok) throw new Error(`${barcode}: ${scan.code}`);
        const opened = waitEvent(agent, (e) => e.type === 'door' && e.door === 'open');
        while (lastFrame === frameBefore) await new Promise((r) => setImmediate(r));
        samples.push(lastFrame - t0);
        await opened;
        const closed = waitEvent(agent, (e) => e.type === 'door' && e.door === 'closed');
        await sim.control.closeDoor(1, Number(scan.cellId.slice(1)));
        await closed;
      }
      agent.stop();
      store.close();
    }
  } finally {
    await bus.close();
    await sim.stop();
    await pty.close();
  }
  const frameMs = (8 * 10 * 1000) / serial.baudRate;
  const commit = bareCommitMs(dir);
  rmSync(dir, { recursive: true, force: true });
  const result = { medianMs: median(samples), p95Ms: p95(samples) };
  console.log(
    `scan → unlock frame on the wire  median ${result.medianMs.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms over ${samples.length} scans (target < 150 ms). Measured to the frame handed to the line; its ${frameMs.toFixed(1)} ms on the wire at ${serial.baudRate} baud follow. Floor: the bare SQLite commit the intent needs, ${commit.toFixed(2)} ms; a door poll in flight may add one FC02 transaction`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await scanToUnlockFrame();
