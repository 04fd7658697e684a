export { type FaultCommand, parseFaultCommand, type SensorFault } from './board-faults.ts';
export { serveRequest } from './board-modbus.ts';
export { type BoardState, ControlClient, type SimEvent } from './control-client.ts';
export { openPtyPair, type PtyPair, type PtyPairOptions } from './pty-pair.ts';
export { RtuRequestFramer } from './rtu-framer.ts';
export {
  RtuSlave,
  type RtuSlaveOptions,
  type SerialTiming,
  silentGapMs,
  wireTimeMs,
} from './rtu-slave.ts';
export {
  type DoorOpening,
  SimBoard,
  type SimBoardEvent,
  type SimBoardOptions,
} from './sim-board.ts';
export { type BoardSpec, parseBoardSpec, type SharedBoardOptions, SimBus } from './sim-bus.ts';
export { SimDoor } from './sim-door.ts';
export { simulatePerson } from './sim-person.ts';
export { Listeners, type SimTimers, systemTimers } from './sim-timers.ts';
export { SimulatedLockBoard, type SimulatedLockBoardOptions } from './simulated-lock-board.ts';
export { SlaveCounters } from './slave-counters.ts';
export { type SimulatorProcess, startSimulatorProcess } from './standalone-process.ts';
