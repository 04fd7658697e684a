import type { Server } from 'node:net';
import { serveBoard } from '../../../agent/testing/board-bridge.ts';
import { SimBoard, SimulatedLockBoard } from '../../../simulator/index.ts';

/**
 * TEST SUPPORT — a locker's board: the simulator's SimBoard in the test process, served to the
 * real agent process over the test-only TCP bridge, with a person who shuts every door a moment
 * after it springs open (never while the lock's coil is still on: the latch would not catch).
 */
export class SimLocker {
  readonly openedChannels: number[] = [];

  private constructor(
    readonly sim: SimBoard,
    readonly port: number,
    private readonly server: Server,
    private readonly board: SimulatedLockBoard,
  ) {}

  static async start(channels: number, busId = 'sim'): Promise<SimLocker> {
    const sim = new SimBoard({ address: 1, channels, springDelayMs: 15 });
    const board = new SimulatedLockBoard({ board: sim, busId, debounceMs: 5, pulseMs: 20 });
    const { server, port } = await serveBoard(board);
    const locker = new SimLocker(sim, port, server, board);
    const coilOn = new Set<number>();
    const wantsClosed = new Set<number>();
    sim.subscribe((e) => {
      if (e.type === 'coil') {
        if (e.on) coilOn.add(e.channel);
        else coilOn.delete(e.channel);
        if (!e.on && wantsClosed.delete(e.channel)) sim.closeDoor(e.channel);
      }
      if (e.type === 'door' && e.open) {
        locker.openedChannels.push(e.channel);
        setTimeout(() => {
          if (coilOn.has(e.channel)) wantsClosed.add(e.channel);
          else sim.closeDoor(e.channel);
        }, 30);
      }
    });
    return locker;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.board.close();
  }
}
