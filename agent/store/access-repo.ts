import type { CellSize } from '../../protocol/index.ts';
import type { Tariff } from '../domain/rental-price.ts';
import type { Db } from './database.ts';

export interface CredentialRow {
  readonly id: string;
  readonly role: 'courier' | 'technician';
  readonly holderId: string;
  readonly tenantId: string | null;
  readonly kind: string;
  readonly secretHash: string;
  readonly revoked: boolean;
  readonly validFrom: number;
  readonly validUntil: number;
}

const CRED_COLS = `id, role, holder_id AS holderId, tenant_id AS tenantId, kind,
  secret_hash AS secretHash, revoked, valid_from AS validFrom, valid_until AS validUntil`;
type RawCred = Omit<CredentialRow, 'revoked'> & { revoked: number };

/** Credentials, tariffs, storage periods, wrong-code counting and small meta values. */
export class AccessRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      bySecret: db.prepare<[string], RawCred>(
        `SELECT ${CRED_COLS} FROM credentials WHERE secret_hash = ?`,
      ),
      upsertCred: db.prepare(
        `INSERT INTO credentials (id, role, holder_id, tenant_id, kind, secret_hash, revoked,
           valid_from, valid_until)
         VALUES (@id, @role, @holderId, @tenantId, @kind, @secretHash, @revoked, @validFrom, @validUntil)
         ON CONFLICT (id) DO UPDATE SET role = excluded.role, holder_id = excluded.holder_id,
           tenant_id = excluded.tenant_id, kind = excluded.kind, secret_hash = excluded.secret_hash,
           revoked = excluded.revoked, valid_from = excluded.valid_from,
           valid_until = excluded.valid_until`,
      ),
      removeCred: db.prepare<[string]>('DELETE FROM credentials WHERE id = ?'),
      credIds: db.prepare<[], { id: string }>('SELECT id FROM credentials ORDER BY id'),
      tariff: db.prepare<[string], Tariff>(
        `SELECT first_hour_kopecks AS firstHourKopecks, next_hour_kopecks AS nextHourKopecks,
           day_cap_kopecks AS dayCapKopecks FROM tariffs WHERE size = ?`,
      ),
      upsertTariff: db.prepare(
        `INSERT OR REPLACE INTO tariffs (size, first_hour_kopecks, next_hour_kopecks, day_cap_kopecks)
         VALUES (@size, @firstHourKopecks, @nextHourKopecks, @dayCapKopecks)`,
      ),
      storage: db.prepare<[string], { hours: number }>(
        'SELECT hours FROM tenant_storage WHERE tenant_id = ?',
      ),
      upsertStorage: db.prepare<[string, number]>(
        'INSERT OR REPLACE INTO tenant_storage (tenant_id, hours) VALUES (?, ?)',
      ),
      wrongSince: db.prepare<[number], { at: number }>(
        'SELECT at FROM wrong_codes WHERE at > ? ORDER BY at',
      ),
      addWrong: db.prepare<[number, string]>('INSERT INTO wrong_codes (at, kind) VALUES (?, ?)'),
      pruneWrong: db.prepare<[number]>('DELETE FROM wrong_codes WHERE at <= ?'),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>(
        'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)',
      ),
    };
  }

  credentialBySecret(hash: string): CredentialRow | undefined {
    const r = this.s.bySecret.get(hash);
    return r ? { ...r, revoked: r.revoked === 1 } : undefined;
  }
  upsertCredential(c: CredentialRow): void {
    this.s.upsertCred.run({ ...c, revoked: c.revoked ? 1 : 0 });
  }
  removeCredential(id: string): void {
    this.s.removeCred.run(id);
  }
  credentialIds(): string[] {
    return this.s.credIds.all().map((r) => r.id);
  }
  tariff(size: CellSize): Tariff | undefined {
    return this.s.tariff.get(size);
  }
  upsertTariff(t: Tariff & { size: CellSize }): void {
    this.s.upsertTariff.run(t);
  }
  storageHours(tenantId: string): number | undefined {
    return this.s.storage.get(tenantId)?.hours;
  }
  setStorageHours(tenantId: string, hours: number): void {
    this.s.upsertStorage.run(tenantId, hours);
  }
  wrongCodesSince(since: number): number[] {
    return this.s.wrongSince.all(since).map((r) => r.at);
  }
  addWrongCode(at: number, kind: string, pruneBefore: number): void {
    this.s.addWrong.run(at, kind);
    this.s.pruneWrong.run(pruneBefore);
  }
  metaNumber(key: string): number {
    return Number(this.s.meta.get(key)?.value ?? 0);
  }
  setMetaNumber(key: string, value: number): void {
    this.s.setMeta.run(key, String(value));
  }
}
