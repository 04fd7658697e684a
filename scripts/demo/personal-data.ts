import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo's people: made-up numbers in the +7 999 range, which no operator issues. The demo
 * books resident-to-resident, rental and dry-cleaning orders for them so notifications flow.
 */
export const DEMO_PEOPLE = {
  recipient: { phone: '+79990001122', language: 'ru' },
  renter: { phone: '+79990003344', language: 'en' },
  cleanerClient: { phone: '+79990005566', language: 'ru' },
} as const;

export const DEMO_PD_KEY_ID = 'demo1';

/**
 * The cloud's personal-data key (seals phones and codes at rest). Config, never the database:
 * the demo draws one on the first start and keeps it in <dataDir>/pd.key (mode 0600), like a
 * secret file a real deployment mounts.
 */
export function demoPdKey(dataDir: string): string {
  const file = join(dataDir, 'pd.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The cloud's environment for notifications: the key, and the recording channel the demo shows. */
export function notificationEnv(dataDir: string): Record<string, string> {
  return {
    POSTAMAT_PD_KEY: demoPdKey(dataDir),
    POSTAMAT_PD_KEY_ID: DEMO_PD_KEY_ID,
    POSTAMAT_NOTIFY_CHANNELS: 'recording',
  };
}
