import { appendFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { bitsPerChar, type StandaloneOptions } from './cli-options.ts';
import { ControlServer } from './control-server.ts';
import type { RtuSlave } from './rtu-slave.ts';
import { SerialEndpoint } from './serial-endpoint.ts';
import { SimBus } from './sim-bus.ts';
import { sumCounters } from './slave-counters.ts';
import { TcpEndpoint } from './tcp-endpoint.ts';

export interface RunningSimulator {
  readonly bus: SimBus;
  readonly controlPort: number;
  readonly tcpPort: number | undefined;
  readonly control: ControlServer;
  close(): Promise<void>;
}

/** Wires boards, the serial and/or TCP endpoint and the control channel together. */
export async function startStandalone(
  options: StandaloneOptions,
  log: Logger,
): Promise<RunningSimulator> {
  const bus = new SimBus(options.boards, {
    springDelayMs: options.springDelayMs,
    coilBase: options.coilBase,
    inputBase: options.inputBase,
    ...(options.coilAutoOffMs === undefined ? {} : { coilAutoOffMs: options.coilAutoOffMs }),
  });
  watchBoards(bus, options.openingsLog, log);
  const slaveOptions = {
    boards: bus.boards(),
    timing: { baud: options.baud, bitsPerChar: bitsPerChar(options) },
    emulateBaud: options.emulateBaud,
  };
  const closers: (() => Promise<void>)[] = [async () => bus.dispose()];
  const slaves: (() => RtuSlave[])[] = [];
  try {
    if (options.port !== undefined) {
      const serial = await SerialEndpoint.open({
        ...slaveOptions,
        path: options.port,
        parity: options.parity,
        stopBits: options.stopBits,
        onTrouble: (what, error) => log.error({ what, err: error?.message }, 'sim.serial-trouble'),
      });
      closers.push(() => serial.close());
      slaves.push(() => [serial.slave]);
    }
    let tcpPort: number | undefined;
    if (options.tcp !== undefined) {
      const tcp = new TcpEndpoint(slaveOptions);
      tcpPort = await tcp.listen(options.tcp);
      closers.push(() => tcp.close());
      slaves.push(() => tcp.slaves());
    }
    const counters = () => sumCounters(slaves.flatMap((list) => list()).map((s) => s.stats));
    const control = new ControlServer({ bus, counters });
    const controlPort = await control.listen(options.controlPort);
    closers.push(() => control.close());
    const close = async () => {
      for (const closer of closers.reverse()) await closer();
    };
    return { bus, controlPort, tcpPort, control, close };
  } catch (error) {
    for (const closer of closers.reverse()) await closer();
    throw error;
  }
}

/** Logs what happens on the boards; each opening goes to the log file before anything else. */
function watchBoards(bus: SimBus, openingsLog: string | undefined, log: Logger): void {
  for (const board of bus.boards()) {
    board.subscribe((event) => {
      if (event.type === 'door' && event.open && event.cause !== 'person' && openingsLog) {
        const opening = {
          address: board.address,
          channel: event.channel,
          at: event.at,
          cause: event.cause,
        };
        appendFileSync(openingsLog, `${JSON.stringify(opening)}\n`);
      }
      if (event.type !== 'sensor')
        log.info({ address: board.address, ...event }, `sim.${event.type}`);
    });
  }
}
