import { pino } from 'pino';
import { openPtyPair, type PtyPair } from '../../../simulator/pty-pair.ts';
import {
  type SimulatorProcess,
  startSimulatorProcess,
} from '../../../simulator/standalone-process.ts';
import { boardProfile } from './board-profile.ts';
import { LockBus } from './lock-bus.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import type { SerialBindingFactory } from './serial-binding.ts';
import { serialPortBinding } from './serial-port-binding.ts';
import { tcpBinding } from './tcp-binding.ts';
import {
  type ContractWorld,
  lockBoardContract,
  CONTRACT_TIMING as T,
} from './testing/lock-board-contract.ts';

const BOARDS = ['--board', '1:16', '--board', '2:16', '--spring-ms', String(T.springDelayMs)];

/** Our master (LockBus) against the standalone simulator process, driven over its control port. */
async function world(
  sim: SimulatorProcess,
  binding: SerialBindingFactory,
  after: () => Promise<void>,
) {
  const bus = await LockBus.open({
    id: 'line',
    binding,
    codec: protocolRtuCodec,
    serial: DEFAULT_SERIAL,
    boards: [1, 2].map((address) => ({
      address,
      profile: boardProfile('generic-relay', { pulseMs: T.pulseMs }),
    })),
    pollIntervalMs: T.pollMs,
    openWithinMs: T.openWithinMs,
    health: { failuresToOffline: 2, firstProbeMs: 200, maxProbeMs: 1000 },
    log: pino({ level: 'silent' }),
  });
  const contract: ContractWorld = {
    boards: bus.boards(),
    closeDoor: async (address, channel) => void (await sim.control.closeDoor(address, channel)),
    fault: async (address, command) => void (await sim.control.fault(address, command)),
    coilOn: async (address, channel) =>
      (await sim.control.state(address)).coils[channel - 1] === true,
    close: async () => {
      await bus.close();
      await sim.stop();
      await after();
    },
  };
  return contract;
}

lockBoardContract(
  'bus master ↔ standalone simulator over a socat pseudo-terminal pair',
  async () => {
    const pty: PtyPair = await openPtyPair();
    const sim = await startSimulatorProcess(['--port', pty.paths[1], ...BOARDS]);
    return world(sim, serialPortBinding(pty.paths[0], DEFAULT_SERIAL), () => pty.close());
  },
);

lockBoardContract('bus master ↔ standalone simulator over RTU over TCP', async () => {
  const sim = await startSimulatorProcess(['--tcp', '0', ...BOARDS]);
  return world(sim, tcpBinding('127.0.0.1', sim.tcpPort!), async () => {});
});
