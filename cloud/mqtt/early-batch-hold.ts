import { setTimeout as sleep } from 'node:timers/promises';
import type { Ack } from '../../protocol/index.ts';

/** Pauses between tries; they add up to about the hold asked for. */
export function holdSteps(holdMs: number): number[] {
  const steps: number[] = [];
  let step = 10;
  for (let left = holdMs; left > 0; left -= step, step = Math.min(step * 2, 160)) {
    steps.push(Math.min(step, left));
  }
  return steps;
}

/**
 * Ingests a batch, and when the store says it starts past the committed seq (a gap), holds it a
 * moment and tries again before answering. With shared subscriptions a locker's next batch often
 * reaches one worker while another is still committing the one before; asking the locker to
 * resend at once would rewind its whole window. Only when the hold runs out is the resend asked.
 */
export async function ingestHoldingEarly(
  /** `lastTry`: the answer goes to the locker, so a gap is counted and logged then. */
  ingest: (lastTry: boolean) => Promise<Ack | undefined>,
  holdMs: number,
  onHeld: () => void,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<Ack | undefined> {
  const steps = holdSteps(holdMs);
  let ack = await ingest(steps.length === 0);
  for (const [i, step] of steps.entries()) {
    if (ack?.resend !== true) return ack;
    onHeld();
    await wait(step);
    ack = await ingest(i === steps.length - 1);
  }
  return ack;
}
