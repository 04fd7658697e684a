import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { terminalOnPty } from '../../agent/drivers/payment-terminal/testing/terminal-on-pty.ts';
import type { ApiClient } from './api-client.ts';

/**
 * Payments in the demo: the cloud with the simulated SBP provider and the recording fiscal
 * provider, and each locker with a simulated card terminal on a pty pair (the agent opens its
 * end as it would open /dev/ttyACM0) that approves every card.
 */

/**
 * The receipt key pair: drawn on the first start and kept in <dataDir>/receipt.key (mode 0600),
 * like a mounted secret; the cloud reads the file, the lockers get the public half.
 */
export function demoReceiptKey(dataDir: string): { file: string; publicKeyPem: string } {
  const file = join(dataDir, 'receipt.key');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), {
      mode: 0o600,
    });
  }
  const publicKeyPem = createPublicKey(readFileSync(file, 'utf8'))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return { file, publicKeyPem };
}

/** The cloud's environment for payments; the SBP callback secret is new each run (QRs live in memory). */
export function cloudPaymentEnv(dataDir: string): Record<string, string> {
  return {
    POSTAMAT_SBP_PROVIDER: 'simulated',
    POSTAMAT_SBP_CALLBACK_SECRET: randomBytes(24).toString('base64url'),
    POSTAMAT_FISCAL_PROVIDER: 'recording',
    POSTAMAT_RECEIPT_KEY_FILE: demoReceiptKey(dataDir).file,
  };
}

export type DemoTerminal = Awaited<ReturnType<typeof terminalOnPty>>;

/** One simulated card terminal per locker; its pty path changes each run, so it goes by env. */
export async function startTerminals(count: number): Promise<DemoTerminal[]> {
  const terminals: DemoTerminal[] = [];
  try {
    for (let i = 0; i < count; i += 1) terminals.push(await terminalOnPty());
  } catch (error) {
    await stopTerminals(terminals);
    throw error;
  }
  return terminals;
}

export async function stopTerminals(terminals: readonly DemoTerminal[]): Promise<void> {
  await Promise.all(terminals.map((t) => t.close().catch(() => undefined)));
}

/** A locker agent's environment: its terminal's port, SBP on, the receipt public key. */
export function agentPaymentEnv(terminal: DemoTerminal, publicKeyPem: string) {
  return {
    POSTAMAT_AGENT_POS_PORT: terminal.agentPath,
    POSTAMAT_AGENT_SBP: 'true',
    POSTAMAT_AGENT_RECEIPT_KEY_PEM: publicKeyPem,
  };
}

/** The demo network's rental prices (kopecks): per size, first hour, each next hour, day cap. */
const DEMO_TARIFFS = [
  { size: 'S', firstHourKopecks: 9_900, nextHourKopecks: 3_000, dayCapKopecks: 59_000 },
  { size: 'M', firstHourKopecks: 14_900, nextHourKopecks: 4_000, dayCapKopecks: 79_000 },
  { size: 'L', firstHourKopecks: 19_900, nextHourKopecks: 5_000, dayCapKopecks: 99_000 },
  { size: 'XL', firstHourKopecks: 24_900, nextHourKopecks: 6_000, dayCapKopecks: 129_000 },
] as const;
const DEMO_PROFILE = 'Городской тариф';

/**
 * Binds a storage profile with real prices to every demo locker (once; data dirs from before
 * payments get it on their next start): the network default charges nothing for the first
 * hours, and a locker takes no payment of zero.
 */
export async function ensureTariffs(
  api: ApiClient,
  operatorKey: string,
  lockerIds: readonly string[],
): Promise<void> {
  const { profiles } = await api.call<{ profiles: { id: string; name: string }[] }>(
    'GET',
    '/v1/operator/storage-profiles',
    operatorKey,
  );
  if (profiles.some((p) => p.name === DEMO_PROFILE)) return;
  const profile = await api.call<{ id: string }>(
    'POST',
    '/v1/operator/storage-profiles',
    operatorKey,
    { name: DEMO_PROFILE, tariffs: DEMO_TARIFFS },
  );
  for (const id of lockerIds) {
    await api.call('PUT', `/v1/operator/lockers/${id}/storage-profile`, operatorKey, {
      profileId: profile.id,
    });
  }
}
