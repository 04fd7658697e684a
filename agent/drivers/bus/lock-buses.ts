import { PostamatError } from '../../../protocol/errors.ts';
import type { LockBoard } from '../lock-board.ts';
import { LockBus, type LockBusOptions } from './lock-bus.ts';

/**
 * Every bus line of one locker (say one RS-485 adapter per column, or a gateway per cabinet).
 * Lines share nothing: one that is missing or dead leaves the others' boards working.
 */
export class LockBuses {
  private constructor(private readonly buses: readonly LockBus[]) {}

  static async open(lines: readonly LockBusOptions[]): Promise<LockBuses> {
    checkUniqueIds(lines);
    const buses = await Promise.all(
      lines.map((line) => LockBus.open({ ...line, tolerateMissingLine: true })),
    );
    return new LockBuses(buses);
  }

  /** Every board of every line, in the order configured. */
  boards(): readonly LockBoard[] {
    return this.buses.flatMap((bus) => bus.boards());
  }

  board(id: string): LockBoard | undefined {
    return this.boards().find((board) => board.id === id);
  }

  lines(): readonly LockBus[] {
    return this.buses;
  }

  async close(): Promise<void> {
    await Promise.all(this.buses.map((bus) => bus.close()));
  }
}

function checkUniqueIds(lines: readonly LockBusOptions[]): void {
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.id)) {
      throw new PostamatError(
        'bad-config',
        `bus id "${line.id}" is used twice; board ids would clash`,
        {
          field: 'id',
          value: line.id,
        },
      );
    }
    seen.add(line.id);
  }
}
