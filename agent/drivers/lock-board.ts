/**
 * What the agent knows of one lock board, whatever drives it: the Modbus RTU bus master on a
 * serial line or a TCP gateway, or the in-process simulator. Channels count from 1.
 */

export type DoorState = 'open' | 'closed' | 'unknown';

export type LockBoardEvent =
  | {
      readonly type: 'door-opened';
      readonly boardId: string;
      readonly channel: number;
      readonly at: number;
    }
  | {
      readonly type: 'door-closed';
      readonly boardId: string;
      readonly channel: number;
      readonly at: number;
    }
  /** Unlocked, but the door was not seen open within the configured time. */
  | {
      readonly type: 'unlock-not-opened';
      readonly boardId: string;
      readonly channel: number;
      readonly at: number;
    }
  | { readonly type: 'board-online'; readonly boardId: string; readonly at: number }
  | { readonly type: 'board-offline'; readonly boardId: string; readonly at: number };

export interface BoardCounters {
  readonly framesSent: number;
  readonly framesReceived: number;
  readonly crcErrors: number;
  readonly timeouts: number;
  readonly retries: number;
  readonly exceptions: number;
}

export interface LockBoard {
  /** `${busId}:${address}`, stable across restarts; the cell map refers to it. */
  readonly id: string;
  readonly channels: number;
  /**
   * Pulses the lock of `channel`. Resolves once the board confirmed the unlock command;
   * rejects with a PostamatError (`board-offline`, `timeout`, `exception`) otherwise.
   */
  unlock(channel: number): Promise<void>;
  /** Last known (debounced) state of every door, index 0 = channel 1. */
  doorStates(): readonly DoorState[];
  isOnline(): boolean;
  counters(): BoardCounters;
  /** Returns a function that unsubscribes. */
  subscribe(listener: (event: LockBoardEvent) => void): () => void;
  close(): Promise<void>;
}
