import { randomBytes } from 'node:crypto';
import type { ApiClient } from './api-client.ts';
import { type DemoState, saveState } from './seed.ts';

export const DEMO_CONSOLE_EMAIL = 'admin@postamat.demo';

export interface DemoConsoleUser {
  readonly email: string;
  readonly password: string;
}

/**
 * The operator console's admin for the demo: made on the first start that lacks one (a data
 * directory from before the console gets one too), with a fresh password kept in demo.json
 * and printed in the banner, so signing in works out of the box.
 */
export async function ensureConsoleUser(
  api: ApiClient,
  state: DemoState,
  dataDir: string,
): Promise<DemoConsoleUser> {
  if (state.consoleUser !== undefined) return state.consoleUser;
  const user = { email: DEMO_CONSOLE_EMAIL, password: randomBytes(9).toString('base64url') };
  // With the operator's key the user belongs to that operator; admin is its widest role.
  await api.call('POST', '/v1/admin/users', state.operatorKey, {
    email: user.email,
    name: 'Demo admin',
    password: user.password,
    role: 'admin',
  });
  state.consoleUser = user;
  saveState(dataDir, state);
  return user;
}
