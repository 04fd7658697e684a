/**
 * Wrong codes lock the keypad: `maxWrong` wrong entries within `windowMs` lock it for `lockMs`.
 * Pure: the caller keeps the timestamps of wrong entries and the lock end.
 */
export interface KeypadPolicy {
  readonly maxWrong: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export const DEFAULT_KEYPAD_POLICY: KeypadPolicy = {
  maxWrong: 5,
  windowMs: 10 * 60_000,
  lockMs: 5 * 60_000,
};

export function isLocked(lockedUntil: number, now: number): boolean {
  return now < lockedUntil;
}

/**
 * After a wrong entry at `now`: the lock end if this entry trips the lock, else undefined.
 * `recentWrongAt` holds earlier wrong entries (any age); this one is counted too.
 */
export function lockAfterWrongEntry(
  recentWrongAt: readonly number[],
  now: number,
  policy: KeypadPolicy,
): number | undefined {
  const inWindow = recentWrongAt.filter((at) => now - at < policy.windowMs).length + 1;
  return inWindow >= policy.maxWrong ? now + policy.lockMs : undefined;
}

/** Wrong entries still allowed before the lock, counting the one just made at `now`. */
export function triesLeftAfter(
  recentWrongAt: readonly number[],
  now: number,
  policy: KeypadPolicy,
): number {
  const inWindow = recentWrongAt.filter((at) => now - at < policy.windowMs).length + 1;
  return Math.max(0, policy.maxWrong - inWindow);
}
