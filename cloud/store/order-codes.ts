import type { KeyedHashPurpose } from '../../protocol/index.ts';
import type { CodePurpose } from '../domain/itinerary.ts';
import { keyedHash, newCode, newId } from '../security/secrets.ts';
import type { Db } from './context.ts';

const HASH_PURPOSE: Readonly<Record<CodePurpose, KeyedHashPurpose>> = {
  pickup: 'pickup-code',
  return: 'return-code',
  rental: 'rental-code',
  deposit: 'deposit-code',
};

export interface IssuedCode {
  readonly stepId: string;
  readonly lockerId: string;
  readonly purpose: CodePurpose;
  /** In clear only in the API response and the tenant's webhook; stored as keyed hashes. */
  readonly code: string;
  readonly validUntil: number;
}

export interface CodeRequest {
  readonly orderId: string;
  readonly stepId: string;
  readonly lockerId: string;
  readonly hashKey: string;
  readonly purpose: CodePurpose;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly version: number;
}

/**
 * Draws a code no live code of the locker shares. The caller holds the locker's lock, so the
 * check and the insert see the same set; an expired code found live is retired on the way.
 */
export async function issueCode(trx: Db, now: number, req: CodeRequest): Promise<IssuedCode> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const code = newCode();
    const uniqHash = keyedHash(req.hashKey, 'pickup-code', 'uniq', code);
    const clash = await trx
      .selectFrom('codes')
      .select(['id', 'valid_until'])
      .where('locker_id', '=', req.lockerId)
      .where('uniq_hash', '=', uniqHash)
      .where('live', '=', 1)
      .executeTakeFirst();
    if (clash !== undefined && clash.valid_until > now) continue;
    if (clash !== undefined) {
      await trx
        .updateTable('codes')
        .set({ live: 0, changed_version: req.version })
        .where('id', '=', clash.id)
        .execute();
    }
    await trx
      .insertInto('codes')
      .values({
        id: newId('cd'),
        order_id: req.orderId,
        step_id: req.stepId,
        locker_id: req.lockerId,
        purpose: req.purpose,
        code_hash: keyedHash(req.hashKey, HASH_PURPOSE[req.purpose], code),
        uniq_hash: uniqHash,
        valid_from: req.validFrom,
        valid_until: req.validUntil,
        live: 1,
        changed_version: req.version,
      })
      .execute();
    const { stepId, lockerId, purpose, validUntil } = req;
    return { stepId, lockerId, purpose, code, validUntil };
  }
  // 50 clashes in a row means the locker holds most of the 10^6 codes: a capacity fault.
  throw new Error(`no free code at locker ${req.lockerId}`);
}

/** Retires codes (used, cancelled, redirected): the next sync removes them from the locker. */
export async function retireCodes(
  trx: Db,
  where: { orderId: string; stepId?: string; lockerId?: string },
  versionOf: (lockerId: string) => Promise<number>,
): Promise<void> {
  let query = trx
    .selectFrom('codes')
    .select(['id', 'locker_id'])
    .where('order_id', '=', where.orderId)
    .where('live', '=', 1);
  if (where.stepId !== undefined) query = query.where('step_id', '=', where.stepId);
  if (where.lockerId !== undefined) query = query.where('locker_id', '=', where.lockerId);
  for (const row of await query.execute()) {
    const version = await versionOf(row.locker_id);
    await trx
      .updateTable('codes')
      .set({ live: 0, changed_version: version })
      .where('id', '=', row.id)
      .execute();
  }
}
