import { PostamatError, type SyncMessage } from '../../protocol/index.ts';
import { hmacHex, keyedHash, newSecret } from '../security/secrets.ts';
import { bumpTenantLockers, type Db, type StoreContext } from './context.ts';
import { groupBy, oneKeyList } from './key-batches.ts';

export const DAY = 86_400_000;

/**
 * Courier daily codes: 8 digits derived from a cloud secret, the courier and the UTC day, so the
 * cloud stores no code at all — it derives one to hand to the tenant and to hash for lockers.
 * Eight digits keep them apart from the six-digit pickup codes typed on the same keypad.
 */
export function dailyCode(secret: string, courierId: string, day: number): string {
  const digest = hmacHex(secret, `courier-daily-code/${courierId}/${day}`);
  return (BigInt(`0x${digest.slice(0, 15)}`) % 100_000_000n).toString().padStart(8, '0');
}

export const dayOf = (ms: number) => Math.floor(ms / DAY);

export async function credentialSecret(db: Db): Promise<string> {
  await db
    .insertInto('cloud_secrets')
    .values({ name: 'courier-daily-code', value: newSecret() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('cloud_secrets')
    .select('value')
    .where('name', '=', 'courier-daily-code')
    .executeTakeFirstOrThrow();
  return row.value;
}

type Credential = NonNullable<SyncMessage['credentials']>[number];

/** Today's and tomorrow's codes of every courier of the tenants this locker is open to. */
export async function lockerCredentials(
  ctx: StoreContext,
  lockerId: string,
  hashKey: string,
): Promise<Credential[]> {
  const all = await lockerCredentialsMany(ctx, [{ id: lockerId, hash_key: hashKey }]);
  return all.get(lockerId) ?? [];
}

/** lockerCredentials of many lockers (at most MAX_KEYS_PER_QUERY) with one read. */
export async function lockerCredentialsMany(
  ctx: StoreContext,
  lockers: readonly { readonly id: string; readonly hash_key: string }[],
): Promise<Map<string, Credential[]>> {
  const out = new Map<string, Credential[]>();
  const ids = oneKeyList(lockers.map((l) => l.id));
  if (ids.length === 0) return out;
  const rows = await ctx.db
    .selectFrom('couriers')
    .innerJoin('operator_tenants', 'operator_tenants.tenant_id', 'couriers.tenant_id')
    .innerJoin('lockers', 'lockers.operator_id', 'operator_tenants.operator_id')
    .select(['lockers.id as locker_id', 'couriers.id', 'couriers.tenant_id', 'couriers.active'])
    .where('lockers.id', 'in', ids)
    .orderBy('lockers.id')
    .orderBy('couriers.id')
    .execute();
  if (rows.length === 0) return out;
  const secret = await credentialSecret(ctx.db);
  const today = dayOf(ctx.clock.now());
  // The code is the courier's for the day, whichever locker: derived once, hashed per locker.
  const codes = new Map<string, string>();
  const codeOf = (courierId: string, day: number) => {
    const key = `${courierId}:${day}`;
    let code = codes.get(key);
    if (code === undefined) {
      code = dailyCode(secret, courierId, day);
      codes.set(key, code);
    }
    return code;
  };
  const hashKeys = new Map(lockers.map((l) => [l.id, l.hash_key]));
  for (const [lockerId, couriers] of groupBy(rows, (r) => r.locker_id)) {
    const hashKey = hashKeys.get(lockerId) as string;
    out.set(
      lockerId,
      couriers.flatMap((c) =>
        [today, today + 1].map((day) => ({
          credentialId: `${c.id}:${day}`,
          role: 'courier' as const,
          holderId: c.id,
          tenantId: c.tenant_id,
          kind: 'daily-code' as const,
          secretHash: keyedHash(hashKey, 'courier-daily-code', codeOf(c.id, day)),
          revoked: c.active !== 1,
          validFrom: day * DAY,
          validUntil: (day + 1) * DAY,
        })),
      ),
    );
  }
  return out;
}

export function courierCredentialStore(ctx: StoreContext) {
  async function ownCourier(tenantId: string, courierId: string) {
    const row = await ctx.db
      .selectFrom('couriers')
      .select(['id', 'active'])
      .where('id', '=', courierId)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (row === undefined)
      throw new PostamatError('not-found', `no courier "${courierId}"`, { courierId });
    return row;
  }
  return {
    /** The courier's code for the UTC day of `at`; the tenant passes it on to the courier. */
    async courierDailyCode(tenantId: string, courierId: string, at: number) {
      const courier = await ownCourier(tenantId, courierId);
      if (courier.active !== 1) {
        throw new PostamatError('invalid-state', `courier "${courierId}" is deactivated`, {
          courierId,
        });
      }
      const day = dayOf(at);
      const code = dailyCode(await credentialSecret(ctx.db), courierId, day);
      return { courierId, code, validFrom: day * DAY, validUntil: (day + 1) * DAY };
    },

    /** Deactivates a courier: the next sync of every locker marks the codes revoked. */
    async deactivateCourier(tenantId: string, courierId: string): Promise<void> {
      await ownCourier(tenantId, courierId);
      await ctx.db.updateTable('couriers').set({ active: 0 }).where('id', '=', courierId).execute();
      await bumpTenantLockers(ctx.db, tenantId);
    },
  };
}
