import { setTimeout as sleep } from 'node:timers/promises';
import type { Ack, Clock } from '../../protocol/index.ts';

/** Pauses between tries; they add up to about the hold asked for. */
export function holdSteps(holdMs: number): number[] {
  const steps: number[] = [];
  let step = 10;
  for (let left = holdMs; left > 0; left -= step, step = Math.min(step * 2, 160)) {
    steps.push(Math.min(step, left));
  }
  return steps;
}

export interface EarlyBatchHoldOptions {
  /** How long an early batch waits for its predecessor before a resend is asked. */
  readonly holdMs: number;
  /** After asking a locker to resend from seq N, further gaps at N stay unanswered this long. */
  readonly quietMs: number;
  readonly clock: Clock;
  readonly onHeld: () => void;
  readonly onResendAsked: (ack: Ack) => void;
  readonly onResendQuiet: () => void;
  readonly wait?: (ms: number) => Promise<unknown>;
}

/**
 * What a worker answers to a batch that starts past the committed seq, with shared
 * subscriptions. Usually its predecessor is being committed by another worker at that moment:
 * the batch is held and tried again, briefly. If the predecessor was lost (its worker died
 * holding it), one resend is asked, and the locker's other batches queued behind the lost one
 * are neither held nor answered until the resend has had time to arrive — each answer would
 * rewind the locker's whole window again.
 */
export class EarlyBatchHold {
  private readonly asked = new Map<string, { seq: number; at: number }>();

  constructor(private readonly options: EarlyBatchHoldOptions) {}

  async ingest(
    lockerId: string,
    tryIngest: () => Promise<Ack | undefined>,
  ): Promise<Ack | undefined> {
    const { onHeld, wait = sleep } = this.options;
    let ack = await tryIngest();
    for (const step of holdSteps(this.options.holdMs)) {
      if (ack?.resend !== true || this.asked.get(lockerId)?.seq === ack.committedSeq) break;
      onHeld();
      await wait(step);
      ack = await tryIngest();
    }
    return this.answer(lockerId, ack);
  }

  private answer(lockerId: string, ack: Ack | undefined): Ack | undefined {
    if (ack === undefined) return undefined;
    const previous = this.asked.get(lockerId);
    if (ack.resend !== true) {
      if (previous !== undefined && ack.committedSeq > previous.seq) this.asked.delete(lockerId);
      return ack;
    }
    const now = this.options.clock.now();
    if (previous?.seq === ack.committedSeq && now - previous.at < this.options.quietMs) {
      this.options.onResendQuiet();
      return undefined;
    }
    this.asked.set(lockerId, { seq: ack.committedSeq, at: now });
    this.options.onResendAsked(ack);
    return ack;
  }
}
