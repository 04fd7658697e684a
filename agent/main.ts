import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { CELL_SIZE_DIMENSIONS, isPostamatError, systemClock } from '../protocol/index.ts';
import { SimBoard, SimulatedLockBoard } from '../simulator/index.ts';
import { Agent } from './agent.ts';
import { type AgentConfig, loadAgentConfig } from './config.ts';
import { serveStdioControl } from './control/stdio-control.ts';
import type { LockBoard } from './drivers/lock-board.ts';
import { TestPaymentProvider } from './services/payment-provider.ts';
import { Store } from './store/store.ts';
import { RemoteLockBoard } from './testing/remote-lock-board.ts';

/**
 * The locker agent: `tsx agent/main.ts --config agent.json` (or POSTAMAT_AGENT_CONFIG).
 * Logs go to stderr (pino); with `control: "stdio"`, stdout carries the JSON-lines control.
 */
async function makeBoards(config: AgentConfig): Promise<LockBoard[]> {
  const b = config.boards;
  if ('simulated' in b) {
    return Array.from({ length: b.count }, (_, i) => {
      const board = new SimBoard({
        address: i + 1,
        channels: b.channels,
        springDelayMs: b.springDelayMs,
      });
      return new SimulatedLockBoard({ board, busId: 'sim' });
    });
  }
  return Promise.all(b.remoteTest.map((r) => RemoteLockBoard.connect(r.host, r.port)));
}

function seedCells(store: Store, config: AgentConfig): void {
  if (config.cells.length === 0 || store.cells.all().length > 0) return;
  store.transaction(() => {
    for (const c of config.cells) {
      store.cells.upsert({
        id: c.cellId,
        boardId: c.board,
        channel: c.channel,
        size: c.size,
        ...CELL_SIZE_DIMENSIONS[c.size],
        features: c.features,
      });
    }
    store.emit('layout.seeded', { cells: config.cells.length });
  });
}

export async function startAgent(config: AgentConfig, log: Logger) {
  const started = performance.now();
  mkdirSync(config.dataDir, { recursive: true });
  const store = Store.open(join(config.dataDir, 'agent.db'), config.lockerId, systemClock);
  seedCells(store, config);
  const boards = await makeBoards(config);
  const agent = new Agent({
    lockerId: config.lockerId,
    hashKey: config.hashKey,
    store,
    boards,
    clock: systemClock,
    log,
    payments: new TestPaymentProvider(),
    doorTimings: config.timings,
    keypad: config.keypad,
    tickMs: config.timings.tickMs,
  });
  agent.start();
  const readyMs = Math.round(performance.now() - started);
  log.info({ event: 'ready', lockerId: config.lockerId, readyMs, lastSeq: store.outbox.lastSeq() });
  const stop = async () => {
    agent.stop();
    await Promise.all(boards.map((b) => b.close()));
    store.close();
  };
  return { agent, store, stop, readyMs };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--config');
  const file = i >= 0 ? process.argv[i + 1] : process.env.POSTAMAT_AGENT_CONFIG;
  if (!file) {
    process.stderr.write('usage: agent/main.ts --config <file.json>\n');
    process.exit(2);
  }
  let config: AgentConfig;
  try {
    config = loadAgentConfig(file);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const log = pino({ level: config.logLevel }, pino.destination(2));
  const { agent, stop, readyMs } = await startAgent(config, log);
  if (config.control === 'stdio') {
    serveStdioControl(agent, process.stdin, process.stdout);
    // The controlling process went away: stop like on SIGTERM.
    process.stdin.on('end', () => void stop().then(() => process.exit(0)));
    process.stdout.write(`${JSON.stringify({ ready: true, readyMs })}\n`);
  }
  const shutdown = () => {
    void stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `agent failed to start: ${isPostamatError(error) ? `[${error.code}] ` : ''}${(error as Error).message}\n`,
    );
    process.exit(1);
  });
}
