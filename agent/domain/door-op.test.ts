import { describe, expect, it } from 'vitest';
import {
  type DoorInput,
  type DoorOp,
  newDoorOp,
  stepDoorOp,
  DEFAULT_DOOR_TIMINGS as T,
} from './door-op.ts';

function run(inputs: DoorInput[], start: DoorOp = newDoorOp(0)) {
  let op = start;
  const effects: string[] = [];
  for (const input of inputs) {
    const r = stepDoorOp(op, input, T);
    op = r.op;
    effects.push(...r.effects.map((e) => e.type));
  }
  return { state: op.state, attempt: op.attempt, effects };
}

describe('door operation', () => {
  it.each<[string, DoorInput[], string, number, string[]]>([
    [
      'opened then closed is done',
      [
        { type: 'unlocked', at: 1 },
        { type: 'door-opened', at: 2 },
        { type: 'door-closed', at: 3 },
      ],
      'done',
      1,
      ['done'],
    ],
    [
      'closed without opening is not done',
      [
        { type: 'unlocked', at: 1 },
        { type: 'door-closed', at: 2 },
      ],
      'unlocked',
      1,
      [],
    ],
    [
      'not opened in 5 s: retried once',
      [
        { type: 'unlocked', at: 0 },
        { type: 'tick', at: 5_000 },
      ],
      'intent',
      2,
      ['unlock'],
    ],
    [
      'then given up',
      [
        { type: 'unlocked', at: 0 },
        { type: 'tick', at: 5_000 },
        { type: 'unlocked', at: 5_001 },
        { type: 'tick', at: 10_001 },
      ],
      'not-opened',
      2,
      ['unlock', 'give-up'],
    ],
    [
      'bus failure counts as an attempt',
      [
        { type: 'unlock-failed', at: 0 },
        { type: 'unlock-failed', at: 1 },
      ],
      'not-opened',
      2,
      ['unlock', 'give-up'],
    ],
    [
      'left open: one alarm',
      [
        { type: 'door-opened', at: 0 },
        { type: 'tick', at: 60_000 },
        { type: 'tick', at: 120_000 },
      ],
      'open',
      1,
      ['alarm-left-open'],
    ],
    [
      'restart with the door closed and no opening seen: unconfirmed, no unlock',
      [
        { type: 'unlocked', at: 0 },
        { type: 'restarted', at: 9, door: 'closed' },
      ],
      'unconfirmed',
      1,
      ['unconfirmed'],
    ],
    [
      'restart with the door open: waits for the close',
      [
        { type: 'restarted', at: 9, door: 'open' },
        { type: 'door-closed', at: 10 },
      ],
      'done',
      1,
      ['done'],
    ],
    [
      'restart after an opening with the door now closed: done',
      [
        { type: 'door-opened', at: 1 },
        { type: 'restarted', at: 9, door: 'closed' },
      ],
      'done',
      1,
      ['done'],
    ],
    [
      'restart with an unknown door: unconfirmed',
      [{ type: 'restarted', at: 9, door: 'unknown' }],
      'unconfirmed',
      1,
      ['unconfirmed'],
    ],
    [
      'a finished op ignores input',
      [
        { type: 'door-opened', at: 1 },
        { type: 'door-closed', at: 2 },
        { type: 'door-opened', at: 3 },
      ],
      'done',
      1,
      ['done'],
    ],
  ])('%s', (_name, inputs, state, attempt, effects) => {
    expect(run(inputs)).toEqual({ state, attempt, effects });
  });
});
