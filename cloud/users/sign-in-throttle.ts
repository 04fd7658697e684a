import type { StoreContext } from '../store/context.ts';

/**
 * Failed sign-ins counted per key (`email:…`, `ip:…`) within a window. Past `limit` failures the
 * key is locked for `lockMs`, doubling with each further failure up to `maxLockMs`; a success
 * clears the email's count (not the address's: one good password must not reset a spray).
 */
export interface ThrottlePolicy {
  readonly limit: number;
  readonly windowMs: number;
  readonly lockMs: number;
  readonly maxLockMs: number;
}

export const EMAIL_POLICY: ThrottlePolicy = {
  limit: 5,
  windowMs: 15 * 60_000,
  lockMs: 60_000,
  maxLockMs: 15 * 60_000,
};
export const IP_POLICY: ThrottlePolicy = { ...EMAIL_POLICY, limit: 20 };

/** When a lock ends after `failures` failures in the window; 0 while under the limit. */
export function lockedUntil(failures: number, now: number, policy: ThrottlePolicy): number {
  if (failures < policy.limit) return 0;
  const doublings = Math.min(failures - policy.limit, 20);
  return now + Math.min(policy.lockMs * 2 ** doublings, policy.maxLockMs);
}

export function signInThrottleStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    /** The latest lock end among the keys, or 0 when none is locked now. */
    async signInLockedUntil(keys: readonly string[]): Promise<number> {
      const rows = await db
        .selectFrom('sign_in_throttle')
        .select('locked_until')
        .where('key', 'in', [...keys])
        .execute();
      const now = clock.now();
      return Math.max(0, ...rows.map((r) => r.locked_until).filter((t) => t > now));
    },

    async recordSignInFailure(key: string, policy: ThrottlePolicy): Promise<void> {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('sign_in_throttle')
          .selectAll()
          .where('key', '=', key)
          .executeTakeFirst();
        const fresh = row === undefined || now - row.window_start > policy.windowMs;
        const failures = fresh ? 1 : row.failures + 1;
        const values = {
          failures,
          window_start: fresh ? now : row.window_start,
          locked_until: lockedUntil(failures, now, policy),
        };
        await trx
          .insertInto('sign_in_throttle')
          .values({ key, ...values })
          .onConflict((oc) => oc.column('key').doUpdateSet(values))
          .execute();
      });
    },

    async clearSignInFailures(key: string): Promise<void> {
      await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
    },
  };
}
