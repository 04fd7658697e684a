import type { Clock } from '../../protocol/index.ts';
import type { CloudStore } from '../store/store.ts';
import type { ConsoleSettings } from './console-settings.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { NewSession } from './session-store.ts';
import { EMAIL_POLICY, IP_POLICY } from './sign-in-throttle.ts';
import { normalEmail, type UserView, userView } from './user-store.ts';

export type SignInResult =
  | { readonly outcome: 'signed-in'; readonly user: UserView; readonly session: NewSession }
  | { readonly outcome: 'locked'; readonly until: number }
  | { readonly outcome: 'refused' };

/**
 * Email and password → a session. Locked keys are refused before any password is checked; an
 * unknown email costs the same scrypt as a known one, so timing does not tell which exist.
 */
export function signInService(store: CloudStore, clock: Clock, settings: ConsoleSettings) {
  let dummyHash: Promise<string> | undefined;
  const dummy = () => {
    dummyHash ??= hashPassword('not a password of anyone', settings.passwordCost);
    return dummyHash;
  };

  return async function signIn(email: string, password: string, ip: string): Promise<SignInResult> {
    const emailKey = `email:${normalEmail(email)}`;
    const ipKey = `ip:${ip}`;
    const until = await store.signInLockedUntil([emailKey, ipKey]);
    if (until > clock.now()) return { outcome: 'locked', until };
    const row = await store.userByEmail(email);
    const matches = await verifyPassword(password, row?.password_hash ?? (await dummy()));
    if (row === undefined || !matches || row.disabled_at !== null) {
      await store.recordSignInFailure(emailKey, EMAIL_POLICY);
      await store.recordSignInFailure(ipKey, IP_POLICY);
      return { outcome: 'refused' };
    }
    await store.clearSignInFailures(emailKey);
    const session = await store.createSession(row.id, settings);
    return { outcome: 'signed-in', user: userView(row), session };
  };
}
