import { describe, expect, it } from 'vitest';
import type { Ack } from '../../protocol/index.ts';
import { FakeClock } from '../store/test-stores.ts';
import { EarlyBatchHold, holdSteps } from './early-batch-hold.ts';

const gap = (committedSeq: number): Ack => ({ lockerId: 'L1', committedSeq, resend: true, at: 0 });
const ok = (committedSeq: number): Ack => ({ lockerId: 'L1', committedSeq, at: 0 });

function rig(holdMs = 300, quietMs = 2_000) {
  const clock = new FakeClock(0);
  const seen = { held: 0, asked: 0, quiet: 0, waited: 0 };
  const hold = new EarlyBatchHold({
    holdMs,
    quietMs,
    clock,
    onHeld: () => void seen.held++,
    onResendAsked: () => void seen.asked++,
    onResendQuiet: () => void seen.quiet++,
    // Time passes only as the hold waits: no real sleeping.
    wait: async (ms) => {
      seen.waited += ms;
      clock.advance(ms);
    },
  });
  /** Answers from the store, one per try; the last repeats. */
  const store = (...answers: Ack[]) => {
    let i = 0;
    return async () => answers[Math.min(i++, answers.length - 1)];
  };
  return { clock, seen, hold, store };
}

describe('early batch hold', () => {
  it('splits the hold into growing steps that add up to it', () => {
    expect(holdSteps(0)).toEqual([]);
    expect(holdSteps(300)).toEqual([10, 20, 40, 80, 150]);
    expect(holdSteps(1500).reduce((a, b) => a + b, 0)).toBe(1500);
  });

  it('holds a batch until its predecessor commits, then acks it without a resend', async () => {
    const { hold, seen, store } = rig();
    expect(await hold.ingest('L1', store(gap(4), gap(4), ok(9)))).toEqual(ok(9));
    expect(seen).toMatchObject({ held: 2, asked: 0, waited: 30 });
  });

  it('asks a resend once the hold runs out, then keeps quiet about the same gap', async () => {
    const { hold, seen, store, clock } = rig();
    expect(await hold.ingest('L1', store(gap(4)))).toEqual(gap(4));
    expect(seen).toMatchObject({ asked: 1, waited: 300 });
    // The locker's later batches queued behind the lost one: not held, not answered.
    expect(await hold.ingest('L1', store(gap(4)))).toBeUndefined();
    expect(seen).toMatchObject({ asked: 1, quiet: 1, waited: 300 });
    // Past the quiet time the resend may have been lost: ask again.
    clock.advance(2_000);
    expect(await hold.ingest('L1', store(gap(4)))).toEqual(gap(4));
    expect(seen.asked).toBe(2);
  });

  it('holds again once the locker moved past the gap it was asked about', async () => {
    const { hold, seen, store } = rig();
    await hold.ingest('L1', store(gap(4)));
    expect(await hold.ingest('L1', store(ok(12)))).toEqual(ok(12));
    expect(await hold.ingest('L1', store(gap(12), ok(20)))).toEqual(ok(20));
    expect(seen.held).toBe(6);
  });
});
