const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Retries keep going for a day after the delivery was created, then it is marked failed. */
export const RETRY_FOR_MS = 24 * HOUR;
const DELAYS = [
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
];

/** When to try again after `attempts` failures, or null once the day is over. */
export function nextAttemptAt(createdAt: number, attempts: number, now: number): number | null {
  const delay = DELAYS[Math.min(attempts - 1, DELAYS.length - 1)] ?? 2 * HOUR;
  const next = now + delay;
  return next > createdAt + RETRY_FOR_MS ? null : next;
}
