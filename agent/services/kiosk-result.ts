import { type ErrorCode, isPostamatError } from '../../protocol/index.ts';

/** What every flow returns: something the kiosk can render, never a thrown error. */
export type KioskResult<T> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export function fail(code: ErrorCode, message: string): KioskResult<never> {
  return { ok: false, code, message };
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
      return fail(error.code, error.message);
    }
  }
}
