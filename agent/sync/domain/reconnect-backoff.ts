/**
 * Reconnect delays with exponential backoff and full jitter: the delay is uniform in
 * [0, min(cap, base * 2^attempt)). When a cloud restarts, 10,000 lockers spread their reconnects
 * over the whole window instead of arriving in waves (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"). Pure: randomness is an input.
 */
export interface BackoffPolicy {
  /** Ceiling of the first window, in milliseconds. */
  readonly baseMs: number;
  /** No window grows past this. */
  readonly capMs: number;
}

/**
 * 1 s doubling to 15 s. The cap is the longest a locker waits after the cloud is back: with it
 * at 60 s, a cloud restart of a few seconds left lockers sleeping out 32 s and 60 s windows
 * (docs/scaling.md). 10,000 lockers retrying a dead cloud every 7.5 s on average is ~1,300
 * refused TCP connects/s, which costs the broker side nothing worth saving by waiting longer.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 15_000 };

/** A number in [0, 1), like Math.random. */
export type RandomSource = () => number;

/** The upper bound of the window for a given failed attempt (0 = first retry). */
export function backoffWindowMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  // 2^attempt overflows to Infinity past ~1023; min() with the cap keeps the result finite.
  const exponential = policy.baseMs * 2 ** Math.max(0, attempt);
  return Math.min(policy.capMs, exponential);
}

export function reconnectDelayMs(
  attempt: number,
  random: RandomSource,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const r = random();
  // A faulty source must not produce a negative or over-cap delay.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(unit * backoffWindowMs(attempt, policy));
}

/**
 * How long a locker waits before its first connect after start: uniform in [0, 3 s). When a
 * district's power comes back its lockers boot together, and thousands of SYNs at once overflow
 * a broker's accept queue (Mosquitto 2.0 listens with a fixed backlog of 100). The kernel retries
 * a dropped SYN at 1, 3, 7, 15 and 31 s — in step, so the same lockers collide again on every
 * retry. At 10,000 lockers behind Mosquitto on one machine, starting all at once connected them
 * in 11.5–33.1 s; spread over 3 s, in 8.0–19.9 s in eight of nine runs, the ninth still caught
 * on the 31 s retry at 34.7 s (docs/scaling.md, step 27): it makes the pile-up rare, a broker
 * with a sized backlog rules it out.
 */
export const DEFAULT_START_JITTER_MS = 3_000;

/** The delay before the first connect: uniform in [0, jitterMs); 0 when jitterMs is 0. */
export function startDelayMs(random: RandomSource, jitterMs: number): number {
  return reconnectDelayMs(0, random, { baseMs: jitterMs, capMs: jitterMs });
}
