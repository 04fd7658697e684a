import { DEFAULT_COST, type ScryptCost } from './password.ts';
import type { SessionLimits } from './session-store.ts';

/** How console sign-in behaves; the cloud config's `console` section fills it. */
export interface ConsoleSettings extends SessionLimits {
  /** Mark the session cookie Secure: set when the cloud is reached over https. */
  readonly secureCookie: boolean;
  readonly passwordCost: ScryptCost;
}

export const DEFAULT_CONSOLE_SETTINGS: ConsoleSettings = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  secureCookie: false,
  passwordCost: DEFAULT_COST,
};

export const SESSION_COOKIE = 'postamat_session';
/**
 * CSRF: a request authenticated by the cookie that changes state must carry this header (a
 * cross-site form cannot, and a cross-site fetch with it needs a CORS preflight we never grant)
 * and, when the browser sends Origin, an Origin naming this very host. SameSite=Strict on top.
 */
export const CSRF_HEADER = 'x-postamat-csrf';
