import { pino } from 'pino';
import { RtuSlave, SimBus, SimulatedLockBoard } from '../../../simulator/index.ts';
import { boardProfile } from './board-profile.ts';
import { LockBus } from './lock-bus.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import { createMemoryPair } from './serial-binding.ts';
import {
  type ContractWorld,
  lockBoardContract,
  CONTRACT_TIMING as T,
} from './testing/lock-board-contract.ts';

const specs = [
  { address: 1, channels: 16 },
  { address: 2, channels: 16 },
];

function simBus(): SimBus {
  return new SimBus(specs, { springDelayMs: T.springDelayMs });
}

function hands(bus: SimBus) {
  return {
    closeDoor: async (address: number, channel: number) => bus.board(address).closeDoor(channel),
    fault: async (address: number, command: Parameters<ContractWorld['fault']>[1]) =>
      bus.board(address).applyFault(command),
    coilOn: async (address: number, channel: number) => bus.board(address).door(channel).coil,
  };
}

lockBoardContract('in-process simulator (SimulatedLockBoard)', async () => {
  const bus = simBus();
  const boards = bus.boards().map(
    (board) =>
      new SimulatedLockBoard({
        board,
        busId: 'sim',
        pulseMs: T.pulseMs,
        openTimeoutMs: T.openWithinMs,
      }),
  );
  return {
    boards,
    ...hands(bus),
    close: async () => {
      for (const board of boards) await board.close();
      bus.dispose();
    },
  };
});

/** Our master and the simulator's RTU slave in one process, bytes through a memory pair. */
lockBoardContract('bus master ↔ simulator RTU slave over an in-memory line', async () => {
  const bus = simBus();
  const pair = createMemoryPair();
  const slave = new RtuSlave({
    boards: bus.boards(),
    write: (frame) => void pair.device.write(frame),
  });
  pair.device.onData((bytes) => slave.receive(bytes));
  const lockBus = await LockBus.open({
    id: 'mem',
    binding: async () => pair.master,
    codec: protocolRtuCodec,
    serial: DEFAULT_SERIAL,
    boards: specs.map((s) => ({
      address: s.address,
      profile: boardProfile('generic-relay', { pulseMs: T.pulseMs }),
    })),
    pollIntervalMs: T.pollMs,
    openWithinMs: T.openWithinMs,
    health: { failuresToOffline: 2, firstProbeMs: 200, maxProbeMs: 1000 },
    log: pino({ level: 'silent' }),
  });
  return {
    boards: lockBus.boards(),
    ...hands(bus),
    close: async () => {
      await lockBus.close();
      slave.close();
      bus.dispose();
    },
  };
});
