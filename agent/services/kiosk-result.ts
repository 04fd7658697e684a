import { type ErrorCode, isPostamatError } from '../../protocol/index.ts';

/** What every flow returns: something the kiosk can render, never a thrown error. */
export type KioskResult<T> = ({ readonly ok: true } & T) | KioskFailure;

/** A refusal; a wrong code says how many tries are left, a lockout until when (ms). */
export interface KioskFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  readonly triesLeft?: number;
  readonly until?: number;
  /** A payment refused or pending: why (a PaymentFailure), which payment, how much is due. */
  readonly reason?: string;
  readonly paymentId?: string;
  readonly amountKopecks?: number;
}

/** Only these details of an error reach the screen: nothing stored or secret leaks out. */
const SHOWN_NUMBERS = ['triesLeft', 'until', 'amountKopecks'] as const;
const SHOWN_TEXTS = ['reason', 'paymentId'] as const;

export function fail(
  code: ErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): KioskResult<never> {
  const shown: Partial<Record<(typeof SHOWN_NUMBERS)[number], number>> &
    Partial<Record<(typeof SHOWN_TEXTS)[number], string>> = {};
  for (const key of SHOWN_NUMBERS) {
    const value = details[key];
    if (typeof value === 'number') shown[key] = value;
  }
  for (const key of SHOWN_TEXTS) {
    const value = details[key];
    if (typeof value === 'string') shown[key] = value;
  }
  return { ok: false, code, message, ...shown };
}

/** Counts refused input by error code, for metrics. */
export class BadInputCounter {
  private readonly counts = new Map<ErrorCode, number>();

  count(code: ErrorCode): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Runs a flow; a PostamatError becomes a counted failure, anything else propagates. */
  guard<T>(fn: () => KioskResult<T>): KioskResult<T> {
    try {
      const result = fn();
      if (!result.ok) this.count(result.code);
      return result;
    } catch (error) {
      if (!isPostamatError(error)) throw error;
      this.count(error.code);
      return fail(error.code, error.message, error.details);
    }
  }
}
