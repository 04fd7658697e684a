import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashesEqual, sha256Hex } from '../security/secrets.ts';
import type { CloudStore } from '../store/store.ts';
import type { Principal } from '../store/tenant-store.ts';
import { type ConsoleSettings, DEFAULT_CONSOLE_SETTINGS } from '../users/console-settings.ts';
import { isSessionToken } from '../users/session-store.ts';
import { type SessionUser, sessionCaller } from './console-auth.ts';
import { installRolePolicy } from './console-roles.ts';
import { forbidden, unauthorized } from './http-error.ts';

/** A key's owner, or a console user's session acting for its operator or tenant (`user`). */
export type Caller =
  | (Principal & { readonly user?: SessionUser | undefined })
  | {
      readonly kind: 'admin';
      readonly id: 'admin';
      readonly keyId: 'admin';
      readonly user?: undefined;
    };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const BEARER = /^Bearer ([\x21-\x7e]{1,200})$/;

/**
 * Resolves the caller once per request from `Authorization: Bearer <key or session token>` or
 * the console's session cookie; routes demand a kind, the role policy a console user's role.
 */
export function installAuth(
  app: FastifyInstance,
  store: CloudStore,
  adminKey: string | undefined,
  settings: ConsoleSettings = DEFAULT_CONSOLE_SETTINGS,
): void {
  const adminHash = adminKey === undefined ? undefined : sha256Hex(adminKey);
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    const key = match?.[1];
    if (key === undefined || isSessionToken(key)) {
      request.caller = (await sessionCaller(request, key, store, settings)) ?? null;
      return;
    }
    if (adminHash !== undefined && hashesEqual(adminHash, sha256Hex(key))) {
      request.caller = { kind: 'admin', id: 'admin', keyId: 'admin' };
      return;
    }
    request.caller = (await store.authenticate(key)) ?? null;
  });
  installRolePolicy(app);
}

function demand(request: FastifyRequest, kind: Caller['kind']): string {
  const caller = request.caller;
  if (caller === null) throw unauthorized();
  if (caller.kind !== kind) throw forbidden(`this needs a ${kind} key`);
  return caller.id;
}

export const tenantOf = (request: FastifyRequest) => demand(request, 'tenant');
export const operatorOf = (request: FastifyRequest) => demand(request, 'operator');
/** A closed site's management key: its own site only. */
export const siteOf = (request: FastifyRequest) => demand(request, 'site');
export const requireAdmin = (request: FastifyRequest) => demand(request, 'admin');

export function callerOf(request: FastifyRequest): Caller {
  if (request.caller === null) throw unauthorized();
  return request.caller;
}
