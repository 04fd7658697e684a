import { PostamatError } from '../../protocol/index.ts';
import type { BoardCounters, DoorState, LockBoard, LockBoardEvent } from '../drivers/lock-board.ts';

/**
 * TEST SUPPORT ONLY — a stand-in for the project's simulator (simulator/, not on main when the
 * agent core was written). A board of doors with an optional "person" who opens a door
 * `openAfterMs` after its unlock and closes it `closeAfterMs` later. Keeps its own log of
 * physical openings, which the crash test reads as the ground truth.
 */
export interface PersonBehaviour {
  /** null: the door never opens (a jammed lock). */
  readonly openAfterMs: number | null;
  readonly closeAfterMs: number;
}

export interface OpeningLogEntry {
  readonly channel: number;
  readonly at: number;
}

export class ScriptedLockBoard implements LockBoard {
  readonly openings: OpeningLogEntry[] = [];
  readonly unlocks: OpeningLogEntry[] = [];
  private readonly doors: DoorState[];
  private readonly listeners = new Set<(e: LockBoardEvent) => void>();
  private online = true;
  private unlockCount = 0;
  person: PersonBehaviour | undefined;

  constructor(
    readonly id: string,
    readonly channels: number,
    private readonly now: () => number = Date.now,
  ) {
    this.doors = Array.from({ length: channels }, () => 'closed' as DoorState);
  }

  async unlock(channel: number): Promise<void> {
    if (!this.online) throw new PostamatError('board-offline', `board ${this.id} offline`);
    if (channel < 1 || channel > this.channels) throw new PostamatError('exception', 'bad channel');
    this.unlockCount += 1;
    this.unlocks.push({ channel, at: this.now() });
    const p = this.person;
    if (p && p.openAfterMs !== null) {
      setTimeout(() => {
        this.setDoor(channel, 'open');
        setTimeout(() => this.setDoor(channel, 'closed'), p.closeAfterMs);
      }, p.openAfterMs);
    }
  }

  /** A door moved (by the person, or forced). */
  setDoor(channel: number, state: 'open' | 'closed'): void {
    if (this.doors[channel - 1] === state) return;
    this.doors[channel - 1] = state;
    if (state === 'open') this.openings.push({ channel, at: this.now() });
    this.send({
      type: state === 'open' ? 'door-opened' : 'door-closed',
      boardId: this.id,
      channel,
      at: this.now(),
    });
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.send({
      type: online ? 'board-online' : 'board-offline',
      boardId: this.id,
      at: this.now(),
    });
  }

  doorStates(): readonly DoorState[] {
    return this.online ? [...this.doors] : this.doors.map(() => 'unknown');
  }
  isOnline(): boolean {
    return this.online;
  }
  counters(): BoardCounters {
    const n = this.unlockCount;
    return {
      framesSent: n,
      framesReceived: n,
      crcErrors: 0,
      timeouts: 0,
      retries: 0,
      exceptions: 0,
    };
  }
  subscribe(listener: (e: LockBoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async close(): Promise<void> {
    this.listeners.clear();
  }
  private send(e: LockBoardEvent): void {
    for (const l of this.listeners) l(e);
  }
}
