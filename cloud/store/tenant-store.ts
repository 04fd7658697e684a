import { PostamatError } from '../../protocol/index.ts';
import { hashesEqual, newId, newSecret, sha256Hex } from '../security/secrets.ts';
import { bumpTenantLockers, type StoreContext } from './context.ts';
import type { ApiKeyRow } from './schema.ts';

export type OwnerKind = ApiKeyRow['owner_kind'];

export interface Principal {
  readonly kind: OwnerKind;
  readonly id: string;
  readonly keyId: string;
}

export interface IssuedKey {
  readonly keyId: string;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
}

export interface ApiKeyInfo {
  readonly keyId: string;
  readonly label: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

const KEY_PATTERN = /^pk_([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export function tenantStore(ctx: StoreContext) {
  const { db, clock } = ctx;

  async function issueKey(
    ownerKind: OwnerKind,
    ownerId: string,
    label: string,
  ): Promise<IssuedKey> {
    const keyId = newId('k').slice(2).padEnd(16, '0').slice(0, 16);
    const secret = newSecret();
    await db
      .insertInto('api_keys')
      .values({
        id: keyId,
        owner_kind: ownerKind,
        owner_id: ownerId,
        secret_hash: sha256Hex(secret),
        label,
        created_at: clock.now(),
        revoked_at: null,
      })
      .execute();
    return { keyId, apiKey: `pk_${keyId}.${secret}` };
  }

  return {
    issueKey,

    async createOperator(name: string) {
      const operator = { id: newId('op'), name, createdAt: clock.now() };
      await db
        .insertInto('operators')
        .values({ id: operator.id, name, created_at: operator.createdAt })
        .execute();
      return { operator, ...(await issueKey('operator', operator.id, 'initial')) };
    },

    async createTenant(name: string, kind: string) {
      const tenant = { id: newId('tn'), name, kind, createdAt: clock.now() };
      await db
        .insertInto('tenants')
        .values({ id: tenant.id, name, kind, created_at: tenant.createdAt })
        .execute();
      return { tenant, ...(await issueKey('tenant', tenant.id, 'initial')) };
    },

    async listKeys(ownerKind: OwnerKind, ownerId: string): Promise<ApiKeyInfo[]> {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('owner_kind', '=', ownerKind)
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        keyId: r.id,
        label: r.label,
        createdAt: r.created_at,
        revokedAt: r.revoked_at,
      }));
    },

    async revokeKey(ownerKind: OwnerKind, ownerId: string, keyId: string): Promise<void> {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: clock.now() })
        .where('id', '=', keyId)
        .where('owner_kind', '=', ownerKind)
        .where('owner_id', '=', ownerId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw new PostamatError('not-found', `no live key "${keyId}"`, { keyId });
      }
    },

    /** The owner of a presented key, or undefined for unknown, malformed or revoked keys. */
    async authenticate(apiKey: string): Promise<Principal | undefined> {
      const match = KEY_PATTERN.exec(apiKey);
      if (match === null) return undefined;
      const [, keyId, secret] = match as unknown as [string, string, string];
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', keyId)
        .executeTakeFirst();
      if (row === undefined || row.revoked_at !== null) return undefined;
      if (!hashesEqual(row.secret_hash, sha256Hex(secret))) return undefined;
      return { kind: row.owner_kind, id: row.owner_id, keyId };
    },

    async grantTenant(operatorId: string, tenantId: string): Promise<void> {
      const tenant = await db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', tenantId)
        .executeTakeFirst();
      if (tenant === undefined) {
        throw new PostamatError('not-found', `no tenant "${tenantId}"`, { tenantId });
      }
      await db
        .insertInto('operator_tenants')
        .values({ operator_id: operatorId, tenant_id: tenantId })
        .onConflict((oc) => oc.columns(['operator_id', 'tenant_id']).doNothing())
        .execute();
      await bumpTenantLockers(db, tenantId);
    },

    async createCourier(tenantId: string, name: string) {
      const courier = { id: newId('cr'), tenantId, name, createdAt: clock.now(), active: true };
      await db
        .insertInto('couriers')
        .values({ id: courier.id, tenant_id: tenantId, name, created_at: courier.createdAt })
        .execute();
      await bumpTenantLockers(db, tenantId);
      return courier;
    },

    async listCouriers(tenantId: string) {
      const rows = await db
        .selectFrom('couriers')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        tenantId,
        name: r.name,
        createdAt: r.created_at,
        active: r.active === 1,
      }));
    },
  };
}
