import type { DoorState } from '../drivers/lock-board.ts';

/**
 * One opening of one cell's door for one purpose (a step, a technician, a remote open): a pure
 * state machine. Board replies, door sensor edges, clock ticks and restarts are all inputs;
 * what to do next comes back as effects for the caller to carry out.
 *
 * intent ──unlocked──▶ unlocked ──door-opened──▶ open ──door-closed──▶ done
 *    ▲                    │ tick ≥ openTimeout                 │ tick ≥ leftOpen: alarm once
 *    └──── retry (attempt+1) ┘  … after maxAttempts: not-opened (give up)
 * After a restart an op without a seen opening becomes `unconfirmed`: never re-opened blindly.
 */
export type DoorOpState = 'intent' | 'unlocked' | 'open' | 'done' | 'not-opened' | 'unconfirmed';

export const ACTIVE_DOOR_OP_STATES: readonly DoorOpState[] = ['intent', 'unlocked', 'open'];

export interface DoorOp {
  readonly state: DoorOpState;
  readonly attempt: number;
  readonly intentAt: number;
  readonly unlockedAt: number | null;
  readonly openedAt: number | null;
  readonly closedAt: number | null;
  readonly leftOpenAlarmed: boolean;
}

export type DoorInput =
  | { readonly type: 'unlocked'; readonly at: number }
  | { readonly type: 'unlock-failed'; readonly at: number }
  | { readonly type: 'door-opened'; readonly at: number }
  | { readonly type: 'door-closed'; readonly at: number }
  | { readonly type: 'tick'; readonly at: number }
  | { readonly type: 'restarted'; readonly at: number; readonly door: DoorState };

export type DoorEffect =
  /** Write the new attempt, then pulse the lock again. */
  | { readonly type: 'unlock' }
  /** Out of service, alarm, offer another cell. */
  | { readonly type: 'give-up' }
  | { readonly type: 'alarm-left-open' }
  | { readonly type: 'done' }
  | { readonly type: 'unconfirmed' };

export interface DoorTimings {
  readonly openTimeoutMs: number;
  readonly maxAttempts: number;
  readonly leftOpenMs: number;
}

export const DEFAULT_DOOR_TIMINGS: DoorTimings = {
  openTimeoutMs: 5_000,
  maxAttempts: 2,
  leftOpenMs: 60_000,
};

export interface DoorStep {
  readonly op: DoorOp;
  readonly effects: readonly DoorEffect[];
}

export function newDoorOp(at: number): DoorOp {
  return {
    state: 'intent',
    attempt: 1,
    intentAt: at,
    unlockedAt: null,
    openedAt: null,
    closedAt: null,
    leftOpenAlarmed: false,
  };
}

const same = (op: DoorOp): DoorStep => ({ op, effects: [] });

export function stepDoorOp(op: DoorOp, input: DoorInput, t: DoorTimings): DoorStep {
  switch (op.state) {
    case 'intent':
    case 'unlocked':
      return beforeOpening(op, input, t);
    case 'open':
      return whileOpen(op, input, t);
    default:
      return same(op);
  }
}

function beforeOpening(op: DoorOp, input: DoorInput, t: DoorTimings): DoorStep {
  switch (input.type) {
    case 'unlocked':
      return op.state === 'intent'
        ? same({ ...op, state: 'unlocked', unlockedAt: input.at })
        : same(op);
    case 'unlock-failed':
      return retryOrGiveUp(op, input.at, t);
    case 'door-opened':
      return same({ ...op, state: 'open', openedAt: input.at });
    case 'tick':
      if (op.state === 'unlocked' && input.at - (op.unlockedAt ?? input.at) >= t.openTimeoutMs) {
        return retryOrGiveUp(op, input.at, t);
      }
      return same(op);
    case 'restarted':
      if (input.door === 'open') return same({ ...op, state: 'open', openedAt: input.at });
      return { op: { ...op, state: 'unconfirmed' }, effects: [{ type: 'unconfirmed' }] };
    default:
      return same(op);
  }
}

function whileOpen(op: DoorOp, input: DoorInput, t: DoorTimings): DoorStep {
  switch (input.type) {
    case 'door-closed':
      return { op: { ...op, state: 'done', closedAt: input.at }, effects: [{ type: 'done' }] };
    case 'tick':
      if (!op.leftOpenAlarmed && input.at - (op.openedAt ?? input.at) >= t.leftOpenMs) {
        return { op: { ...op, leftOpenAlarmed: true }, effects: [{ type: 'alarm-left-open' }] };
      }
      return same(op);
    case 'restarted':
      // Seen open before the crash; a closed door now completes it.
      if (input.door === 'closed') {
        return { op: { ...op, state: 'done', closedAt: input.at }, effects: [{ type: 'done' }] };
      }
      return same(op);
    default:
      return same(op);
  }
}

function retryOrGiveUp(op: DoorOp, at: number, t: DoorTimings): DoorStep {
  if (op.attempt < t.maxAttempts) {
    return {
      op: { ...op, state: 'intent', attempt: op.attempt + 1, intentAt: at, unlockedAt: null },
      effects: [{ type: 'unlock' }],
    };
  }
  return { op: { ...op, state: 'not-opened' }, effects: [{ type: 'give-up' }] };
}
