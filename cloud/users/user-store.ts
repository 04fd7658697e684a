import { PostamatError } from '../../protocol/index.ts';
import { newId } from '../security/secrets.ts';
import type { StoreContext } from '../store/context.ts';
import type { ConsoleUserRow } from '../store/schema.ts';

export const USER_ROLES = ['viewer', 'dispatcher', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** An operator's user sees the operator's lockers; a tenant's user only the tenant's orders. */
export type UserScope =
  | { readonly operatorId: string; readonly tenantId?: undefined }
  | { readonly tenantId: string; readonly operatorId?: undefined };

export interface NewUser {
  readonly email: string;
  readonly name: string;
  /** Made by cloud/users/password.ts: the store never sees a password. */
  readonly passwordHash: string;
  readonly role: UserRole;
  readonly scope: UserScope;
  /** Who created it: `admin`, or a user id. */
  readonly createdBy: string;
}

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly operatorId: string | null;
  readonly tenantId: string | null;
  readonly createdAt: number;
  readonly disabledAt: number | null;
}

export function userView(row: ConsoleUserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    operatorId: row.operator_id,
    tenantId: row.tenant_id,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export const normalEmail = (email: string) => email.trim().toLowerCase();

export function userStore(ctx: StoreContext) {
  const { db, clock } = ctx;

  async function assertScopeExists(scope: UserScope): Promise<void> {
    const found =
      scope.operatorId !== undefined
        ? await db.selectFrom('operators').select('id').where('id', '=', scope.operatorId)
        : await db.selectFrom('tenants').select('id').where('id', '=', scope.tenantId);
    if ((await found.executeTakeFirst()) === undefined) {
      const field = scope.operatorId !== undefined ? 'operatorId' : 'tenantId';
      throw new PostamatError(
        'not-found',
        `no ${field.slice(0, -2)} "${scope.operatorId ?? scope.tenantId}"`,
        {
          field,
        },
      );
    }
  }

  return {
    async createUser(input: NewUser): Promise<UserView> {
      await assertScopeExists(input.scope);
      const email = normalEmail(input.email);
      const taken = await db
        .selectFrom('console_users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      if (taken !== undefined) {
        throw new PostamatError('duplicate', `a user with email "${email}" exists`, {
          field: 'email',
        });
      }
      const now = clock.now();
      const row: ConsoleUserRow = {
        id: newId('us'),
        email,
        name: input.name,
        password_hash: input.passwordHash,
        role: input.role,
        operator_id: input.scope.operatorId ?? null,
        tenant_id: input.scope.tenantId ?? null,
        created_at: now,
        created_by: input.createdBy,
        password_changed_at: now,
        disabled_at: null,
      };
      await db.insertInto('console_users').values(row).execute();
      return userView(row);
    },

    /** With the password hash: for signing in only. */
    async userByEmail(email: string): Promise<ConsoleUserRow | undefined> {
      return db
        .selectFrom('console_users')
        .selectAll()
        .where('email', '=', normalEmail(email))
        .executeTakeFirst();
    },

    async getUser(userId: string): Promise<UserView | undefined> {
      const row = await db
        .selectFrom('console_users')
        .selectAll()
        .where('id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? undefined : userView(row);
    },

    /**
     * An operator's users and the users of the tenants it serves; a tenant's own users; or,
     * with no scope (the admin key), everyone.
     */
    async listUsers(scope: UserScope | undefined): Promise<UserView[]> {
      let query = db.selectFrom('console_users').selectAll().orderBy('created_at').limit(1000);
      if (scope?.operatorId !== undefined) {
        const operatorId = scope.operatorId;
        query = query.where((eb) =>
          eb.or([
            eb('operator_id', '=', operatorId),
            eb(
              'tenant_id',
              'in',
              eb
                .selectFrom('operator_tenants')
                .select('tenant_id')
                .where('operator_id', '=', operatorId),
            ),
          ]),
        );
      } else if (scope?.tenantId !== undefined) {
        query = query.where('tenant_id', '=', scope.tenantId);
      }
      return (await query.execute()).map(userView);
    },

    async listOperators(): Promise<{ id: string; name: string }[]> {
      return db.selectFrom('operators').select(['id', 'name']).orderBy('created_at').execute();
    },

    async operatorServesTenant(operatorId: string, tenantId: string): Promise<boolean> {
      const row = await db
        .selectFrom('operator_tenants')
        .select('tenant_id')
        .where('operator_id', '=', operatorId)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Disabling ends every session of the user at once. */
    async setUserDisabled(userId: string, disabled: boolean): Promise<void> {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('console_users')
          .set({ disabled_at: disabled ? now : null })
          .where('id', '=', userId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) {
          throw new PostamatError('not-found', `no user "${userId}"`, { userId });
        }
        if (disabled) {
          await trx
            .updateTable('console_sessions')
            .set({ revoked_at: now })
            .where('user_id', '=', userId)
            .where('revoked_at', 'is', null)
            .execute();
        }
      });
    },

    /** A new password ends every session: whoever knew the old one is signed out. */
    async resetPassword(userId: string, passwordHash: string): Promise<void> {
      const hash = passwordHash;
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('console_users')
          .set({ password_hash: hash, password_changed_at: now })
          .where('id', '=', userId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) {
          throw new PostamatError('not-found', `no user "${userId}"`, { userId });
        }
        await trx
          .updateTable('console_sessions')
          .set({ revoked_at: now })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .execute();
      });
    },
  };
}
