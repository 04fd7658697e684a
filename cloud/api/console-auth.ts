import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CloudStore } from '../store/store.ts';
import { type ConsoleSettings, CSRF_HEADER, SESSION_COOKIE } from '../users/console-settings.ts';
import { isSessionToken } from '../users/session-store.ts';
import type { UserRole, UserView } from '../users/user-store.ts';
import { HttpError } from './http-error.ts';

/** The signed-in person behind a session caller. */
export interface SessionUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly sessionId: string;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
  /** Came from the cookie (CSRF rules apply), not an Authorization header. */
  readonly viaCookie: boolean;
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session named by the cookie or a Bearer session token, as the caller it stands for. */
export async function sessionCaller(
  request: FastifyRequest,
  bearer: string | undefined,
  store: CloudStore,
  settings: ConsoleSettings,
) {
  const fromHeader = bearer !== undefined && isSessionToken(bearer) ? bearer : undefined;
  const token = fromHeader ?? cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (token === undefined) return undefined;
  const found = await store.sessionOf(token, settings);
  if (found === undefined) return undefined;
  const viaCookie = fromHeader === undefined;
  if (viaCookie) checkSameOrigin(request);
  return callerOfUser(found.user, { ...found.session, viaCookie });
}

export function callerOfUser(
  user: UserView,
  session: { sessionId: string; expiresAt: number; idleExpiresAt: number; viaCookie: boolean },
) {
  const sessionUser: SessionUser = {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    ...session,
  };
  const keyId = `session:${session.sessionId}`;
  return user.operatorId !== null
    ? { kind: 'operator' as const, id: user.operatorId, keyId, user: sessionUser }
    : { kind: 'tenant' as const, id: user.tenantId as string, keyId, user: sessionUser };
}

/** Who did it, for audit lines and alarm notes: the user's email, else the key. */
export function actorOf(request: FastifyRequest): string {
  const caller = request.caller;
  if (caller === null) return 'anonymous';
  return caller.user?.email ?? caller.id;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function checkSameOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (request.headers[CSRF_HEADER] === undefined) {
    throw new HttpError(403, 'csrf', `a cookie-signed change needs the ${CSRF_HEADER} header`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !sameHost(origin, request.headers.host)) {
    throw new HttpError(403, 'csrf', 'cross-origin request refused');
  }
}

export function sameHost(origin: string, host: string | undefined): boolean {
  try {
    if (host === undefined) return false;
    const from = new URL(origin);
    // Parsed the same way, so `localhost:80` and `http://localhost` compare equal.
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
  settings: ConsoleSettings,
): void {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ];
  if (settings.secureCookie) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}

export function clearSessionCookie(reply: FastifyReply, settings: ConsoleSettings): void {
  setSessionCookie(reply, '', 0, settings);
}
