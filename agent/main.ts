import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { isPostamatError, systemClock } from '../protocol/index.ts';
import { SimBoard, SimulatedLockBoard, simulatePerson } from '../simulator/index.ts';
import { Agent } from './agent.ts';
import { type AgentConfig, loadAgentConfig } from './config.ts';
import { serveStdioControl } from './control/stdio-control.ts';
import { boardProfile } from './drivers/bus/board-profile.ts';
import { LockBuses } from './drivers/bus/lock-buses.ts';
import { protocolRtuCodec } from './drivers/bus/protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from './drivers/bus/rtu-timing.ts';
import { serialPortBinding } from './drivers/bus/serial-port-binding.ts';
import { tcpBinding } from './drivers/bus/tcp-binding.ts';
import { forwardSignals, gpioPinConfigs } from './drivers/gpio/gpio-inputs.ts';
import { GpioSignals, onoffPinFactory, type PinFactory } from './drivers/gpio/gpio-signals.ts';
import type { BoardCounters, LockBoard } from './drivers/lock-board.ts';
import { EcrTerminal } from './drivers/payment-terminal/ecr-terminal.ts';
import { createSystemdNotifier } from './drivers/systemd-notify.ts';
import { startKiosk } from './kiosk/kiosk-server.ts';
import { seedCells } from './seed-cells.ts';
import { TestPaymentProvider } from './services/payment-provider.ts';
import { Store } from './store/store.ts';
import { LockerSyncClient } from './sync/locker-sync-client.ts';
import { RemoteLockBoard } from './testing/remote-lock-board.ts';

/**
 * The locker agent: `tsx agent/main.ts --config agent.json` (or POSTAMAT_AGENT_CONFIG).
 * Logs go to stderr (pino); with `control: "stdio"`, stdout carries the JSON-lines control.
 */
async function makeBoards(
  config: AgentConfig,
  log: Logger,
): Promise<{ boards: LockBoard[]; close: () => Promise<void> }> {
  const b = config.boards;
  if ('simulated' in b) {
    const boards = Array.from({ length: b.count }, (_, i) => {
      const board = new SimBoard({
        address: i + 1,
        channels: b.channels,
        springDelayMs: b.springDelayMs,
      });
      if (b.personCloseMs !== undefined) simulatePerson(board, b.personCloseMs);
      return new SimulatedLockBoard({ board, busId: 'sim' });
    });
    return { boards, close: async () => void (await Promise.all(boards.map((x) => x.close()))) };
  }
  if ('buses' in b) {
    const buses = await LockBuses.open(
      b.buses.map((line) => {
        const serial = { ...DEFAULT_SERIAL, baudRate: line.baudRate, parity: line.parity };
        const binding = line.device
          ? serialPortBinding(line.device, serial)
          : tcpBinding(line.tcp!.host, line.tcp!.port);
        const boards = line.boards.map((board) => ({
          address: board.address,
          profile: boardProfile(board.family, {
            ...(board.channels ? { channels: board.channels } : {}),
            serial,
          }),
        }));
        return { id: line.id, binding, codec: protocolRtuCodec, serial, boards, log };
      }),
    );
    return { boards: [...buses.boards()], close: () => buses.close() };
  }
  const boards = await Promise.all(
    b.remoteTest.map((r) => RemoteLockBoard.connect(r.host, r.port)),
  );
  return { boards, close: async () => void (await Promise.all(boards.map((x) => x.close()))) };
}

/**
 * The cabinet's GPIO inputs feed the Agent. A configured pin that cannot be opened is logged and
 * skipped: a locker without its tamper switch still serves people; one that will not start does not.
 */
async function startGpio(
  config: AgentConfig,
  agent: Agent,
  log: Logger,
  makePin?: PinFactory,
): Promise<() => void> {
  if (!config.gpio) return () => {};
  try {
    const pins = makePin ?? (await onoffPinFactory());
    const signals = new GpioSignals(gpioPinConfigs(config.gpio), pins, systemClock, log);
    const off = forwardSignals(signals, (input, active) => agent.reportInput(input, active));
    return () => {
      off();
      signals.close();
    };
  } catch (error) {
    log.error({ event: 'gpio-unavailable', error: (error as Error).message });
    return () => {};
  }
}

export async function startAgent(
  config: AgentConfig,
  log: Logger,
  deps: { readonly pinFactory?: PinFactory } = {},
) {
  const started = performance.now();
  mkdirSync(config.dataDir, { recursive: true });
  const store = Store.open(join(config.dataDir, 'agent.db'), config.lockerId, systemClock);
  seedCells(store, config);
  const { boards, close: closeBoards } = await makeBoards(config, log);
  // The sync client needs the Agent's ports and the Agent shows the link: bound once both exist.
  let sync: LockerSyncClient | undefined;
  const pos = config.payments?.pos;
  const terminal =
    pos && pos !== 'none'
      ? new EcrTerminal({
          binding: serialPortBinding(pos.port, { ...DEFAULT_SERIAL, baudRate: pos.baud }),
          saleTimeoutMs: pos.saleTimeoutMs,
        })
      : undefined;
  const network = { linkState: () => sync!.linkState() };
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
    ...(config.sync ? { network } : {}),
    gates: config.gates.map((g) => ({
      accessPointId: g.accessPointId,
      boardId: g.board,
      channel: g.channel,
    })),
    collectAtOnce: config.collectAtOnce,
    ...(config.payments
      ? {
          paymentChannels: {
            ...(terminal ? { terminal } : {}),
            sbp: config.payments.sbp,
            sbpTimeoutMs: config.payments.sbpTimeoutMs,
          },
          ...(config.payments.receiptKeyPem
            ? { receiptKeyPem: config.payments.receiptKeyPem }
            : {}),
        }
      : {}),
  });
  agent.start();
  const stopGpio = await startGpio(config, agent, log.child({ part: 'gpio' }), deps.pinFactory);
  sync = config.sync
    ? new LockerSyncClient({
        url: config.sync.url,
        lockerId: config.lockerId,
        secret: config.sync.secret,
        ...(config.sync.topicPrefix ? { topicPrefix: config.sync.topicPrefix } : {}),
        ...(config.sync.caFile ? { tls: { ca: readFileSync(config.sync.caFile) } } : {}),
        startJitterMs: config.sync.startJitterMs,
        outbox: agent.outbox,
        inbox: agent.commands,
        syncTarget: agent.sync,
        clock: systemClock,
        random: Math.random,
        logger: log,
        describe: () => ({
          boards: boards.map((b) => ({
            bus: b.id.split(':')[0] ?? b.id,
            address: Number(b.id.split(':')[1] ?? 1),
            online: b.isOnline(),
            counters: busCounters(b.counters()),
          })),
        }),
      })
    : undefined;
  sync?.start();
  const kiosk = config.kiosk
    ? await startKiosk({
        agent,
        host: config.kiosk.host,
        port: config.kiosk.port,
        idleMs: config.kiosk.idleMs,
        log: log.child({ part: 'kiosk' }),
      }).catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? new Error(
              `kiosk port ${config.kiosk?.port} on ${config.kiosk?.host} is in use: set kiosk.port in the agent config`,
            )
          : error;
      })
    : undefined;
  const readyMs = Math.round(performance.now() - started);
  log.info({
    event: 'ready',
    lockerId: config.lockerId,
    readyMs,
    lastSeq: store.outbox.lastSeq(),
    kiosk: kiosk?.url,
  });
  const stop = async () => {
    await kiosk?.close();
    await sync?.stop();
    stopGpio();
    agent.stop();
    await terminal?.close();
    await closeBoards();
    store.close();
  };
  return { agent, store, stop, readyMs, kioskUrl: kiosk?.url };
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const checkOnly = argValue('--check-config');
  const file = checkOnly ?? argValue('--config') ?? process.env.POSTAMAT_AGENT_CONFIG;
  if (!file) {
    process.stderr.write(
      'usage: agent/main.ts --config <file.json> | --check-config <file.json>\n',
    );
    process.exit(2);
  }
  let config: AgentConfig;
  try {
    config = loadAgentConfig(file);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (checkOnly !== undefined) {
    process.stdout.write(`${file}: config ok (locker ${config.lockerId})\n`);
    process.exit(0);
  }
  const log = pino({ level: config.logLevel }, pino.destination(2));
  const { agent, stop, readyMs } = await startAgent(config, log);
  const notifier = createSystemdNotifier();
  void notifier.ready(`locker ${config.lockerId} ready`);
  // The watchdog is fed from the event loop: a hung loop stops the pings and systemd restarts us.
  const stopWatchdog = notifier.startWatchdog();
  if (config.control === 'stdio') {
    serveStdioControl(agent, process.stdin, process.stdout);
    // The controlling process went away: stop like on SIGTERM.
    process.stdin.on('end', () => void stop().then(() => process.exit(0)));
    process.stdout.write(`${JSON.stringify({ ready: true, readyMs })}\n`);
  }
  const shutdown = () => {
    stopWatchdog();
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

/** The counters the status carries (a board may count more than the wire contract names). */
function busCounters(c: BoardCounters) {
  const { framesSent, framesReceived, crcErrors, timeouts, retries, exceptions } = c;
  return { framesSent, framesReceived, crcErrors, timeouts, retries, exceptions };
}
