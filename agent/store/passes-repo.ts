import type { Db } from './database.ts';

export interface PassRow {
  readonly passId: string;
  readonly holderId: string;
  readonly tenantId: string;
  readonly secretHash: string;
  readonly validFrom: number;
  readonly validUntil: number;
}

/** Gate passes and parcels of visiting couriers' routes booked at other lockers. */
export class PassesRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      bySecret: db.prepare<[string], PassRow>(
        `SELECT pass_id AS passId, holder_id AS holderId, tenant_id AS tenantId,
           secret_hash AS secretHash, valid_from AS validFrom, valid_until AS validUntil
         FROM passes WHERE secret_hash = ?`,
      ),
      clearPasses: db.prepare('DELETE FROM passes'),
      insertPass: db.prepare(
        `INSERT OR REPLACE INTO passes (pass_id, holder_id, tenant_id, secret_hash, valid_from,
           valid_until) VALUES (@passId, @holderId, @tenantId, @secretHash, @validFrom, @validUntil)`,
      ),
      routeParcel: db.prepare<[string], { lockerId: string }>(
        'SELECT locker_id AS lockerId FROM route_parcels WHERE barcode_hash = ?',
      ),
      clearRoute: db.prepare('DELETE FROM route_parcels'),
      insertRoute: db.prepare<[string, string]>(
        'INSERT OR REPLACE INTO route_parcels (barcode_hash, locker_id) VALUES (?, ?)',
      ),
    };
  }

  passesBySecret(hash: string): PassRow[] {
    return this.s.bySecret.all(hash);
  }
  /** Passes are derived data: each sync that carries them carries all of them. */
  replacePasses(passes: readonly PassRow[]): void {
    this.s.clearPasses.run();
    for (const p of passes) this.s.insertPass.run(p);
  }
  routeParcelLocker(barcodeHash: string): string | undefined {
    return this.s.routeParcel.get(barcodeHash)?.lockerId;
  }
  replaceRouteParcels(parcels: readonly { barcodeHash: string; lockerId: string }[]): void {
    this.s.clearRoute.run();
    for (const p of parcels) this.s.insertRoute.run(p.barcodeHash, p.lockerId);
  }
}
