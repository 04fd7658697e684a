import { hashesEqual, newId, newSecret, sha256Hex } from '../security/secrets.ts';
import type { StoreContext } from '../store/context.ts';
import { type UserView, userView } from './user-store.ts';

export interface SessionLimits {
  /** Signed out after this long without a request. */
  readonly idleMs: number;
  /** Signed out this long after signing in, however active. */
  readonly absoluteMs: number;
}

export interface SessionInfo {
  readonly sessionId: string;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
}

export interface NewSession extends SessionInfo {
  /** `ps_<id>.<secret>`: shown once, in the cookie and the response; only a hash is kept. */
  readonly token: string;
}

const TOKEN = /^ps_([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;
// last_seen_at is written at most this often: not one write per request.
const TOUCH_EVERY_MS = 30_000;

export const isSessionToken = (value: string) => TOKEN.test(value);

/** Console sessions: random tokens stored hashed, idle and absolute expiry, revocable. */
export function sessionStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    async createSession(userId: string, limits: SessionLimits): Promise<NewSession> {
      const now = clock.now();
      const sessionId = newId('s').slice(2).padEnd(16, '0').slice(0, 16);
      const secret = newSecret();
      const expiresAt = now + limits.absoluteMs;
      await db
        .insertInto('console_sessions')
        .values({
          id: sessionId,
          user_id: userId,
          token_hash: sha256Hex(secret),
          created_at: now,
          last_seen_at: now,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      const idleExpiresAt = Math.min(expiresAt, now + limits.idleMs);
      return { token: `ps_${sessionId}.${secret}`, sessionId, expiresAt, idleExpiresAt };
    },

    /**
     * The live session a token names and its user, or undefined: unknown, revoked, past its
     * absolute or idle end, or the user disabled. A live one counts as activity.
     */
    async sessionOf(
      token: string,
      limits: SessionLimits,
    ): Promise<{ user: UserView; session: SessionInfo } | undefined> {
      const match = TOKEN.exec(token);
      if (match === null) return undefined;
      const [, sessionId, secret] = match as unknown as [string, string, string];
      const row = await db
        .selectFrom('console_sessions')
        .innerJoin('console_users', 'console_users.id', 'console_sessions.user_id')
        .selectAll('console_users')
        .select([
          'console_sessions.token_hash',
          'console_sessions.last_seen_at',
          'console_sessions.expires_at',
          'console_sessions.revoked_at',
        ])
        .where('console_sessions.id', '=', sessionId)
        .executeTakeFirst();
      if (row === undefined || !hashesEqual(row.token_hash, sha256Hex(secret))) return undefined;
      const now = clock.now();
      const idleEnd = row.last_seen_at + limits.idleMs;
      if (row.revoked_at !== null || row.disabled_at !== null) return undefined;
      if (now >= row.expires_at || now >= idleEnd) return undefined;
      if (now - row.last_seen_at >= TOUCH_EVERY_MS) {
        await db
          .updateTable('console_sessions')
          .set({ last_seen_at: now })
          .where('id', '=', sessionId)
          .execute();
      }
      const seen = now - row.last_seen_at >= TOUCH_EVERY_MS ? now : row.last_seen_at;
      return {
        user: userView(row),
        session: {
          sessionId,
          expiresAt: row.expires_at,
          idleExpiresAt: Math.min(row.expires_at, seen + limits.idleMs),
        },
      };
    },

    /** Still valid (not revoked, user enabled, before its absolute end): a stream's recheck. */
    async sessionLive(sessionId: string): Promise<boolean> {
      const row = await db
        .selectFrom('console_sessions')
        .innerJoin('console_users', 'console_users.id', 'console_sessions.user_id')
        .select([
          'console_sessions.revoked_at',
          'console_sessions.expires_at',
          'console_users.disabled_at',
        ])
        .where('console_sessions.id', '=', sessionId)
        .executeTakeFirst();
      const now = clock.now();
      return (
        row !== undefined &&
        row.revoked_at === null &&
        row.disabled_at === null &&
        now < row.expires_at
      );
    },

    async revokeSession(sessionId: string): Promise<void> {
      await db
        .updateTable('console_sessions')
        .set({ revoked_at: clock.now() })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}
