import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../../protocol/index.ts';
import { eventsForStatus, reminderFor } from './domain/notification-plan.ts';
import { notificationConfigSchema, notificationEnvOverrides } from './notification-config.ts';
import { maskPhone, personalDataVault } from './personal-data-vault.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('personal data vault', () => {
  it('seals under the key id, opens only with the same key, and never repeats a ciphertext', () => {
    const vault = personalDataVault('k1', KEY);
    const a = vault.seal('+79161234567');
    expect(a).toMatch(/^v1\.k1\./);
    expect(a).not.toContain('9161234567');
    expect(vault.seal('+79161234567')).not.toBe(a);
    expect(vault.open(a)).toBe('+79161234567');
    const other = personalDataVault('k1', Buffer.alloc(32, 2).toString('base64'));
    expect(() => other.open(a)).toThrow();
    expect(() => personalDataVault('k2', KEY).open(a)).toThrow(/unknown key/);
    const tampered = `${a.slice(0, -2)}${a.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => vault.open(tampered)).toThrow();
    expect(vault.phoneHash('+79161234567')).toBe(vault.phoneHash('+79161234567'));
    expect(other.phoneHash('+79161234567')).not.toBe(vault.phoneHash('+79161234567'));
  });

  it('refuses a key that is not 32 bytes', () => {
    try {
      personalDataVault('k1', Buffer.alloc(16).toString('base64'));
      expect.unreachable();
    } catch (error) {
      expect(isPostamatError(error, 'bad-config')).toBe(true);
    }
  });

  it('masks a phone to its last four digits', () => {
    expect(maskPhone('+79161234567')).toBe('+7 *** ***-45-67');
  });
});

describe('notification plan', () => {
  it.each([
    ['resident-to-resident', 'booked', []],
    ['resident-to-resident', 'ready-for-pickup', ['parcel-ready']],
    ['rental', 'booked', ['code-issued']],
    ['rental', 'ready-for-pickup', []],
    ['service-round-trip', 'booked', ['code-issued']],
    ['service-round-trip', 'ready-for-pickup', ['item-back']],
    ['service-round-trip', 'expired', ['expired']],
    ['resident-to-resident', 'collected', []],
    ['delivery', 'ready-for-pickup', []],
    ['return', 'booked', []],
  ] as const)('%s %s → %j', (kind, status, events) => {
    expect(eventsForStatus(kind, status)).toEqual(events);
  });

  it('reminds inside the window before expiry only', () => {
    const hour = 3_600_000;
    expect(reminderFor('rental', 'ready-for-pickup', 10 * hour, 9 * hour, 2 * hour)).toBe(
      'rental-ending',
    );
    expect(
      reminderFor('resident-to-resident', 'ready-for-pickup', 10 * hour, 9 * hour, 2 * hour),
    ).toBe('expiry-reminder');
    expect(reminderFor('rental', 'ready-for-pickup', 10 * hour, 7 * hour, 2 * hour)).toBeNull();
    expect(reminderFor('rental', 'ready-for-pickup', 10 * hour, 10 * hour, 2 * hour)).toBeNull();
    expect(reminderFor('delivery', 'ready-for-pickup', 10 * hour, 9 * hour, 2 * hour)).toBeNull();
  });
});

describe('notification config', () => {
  it('takes the key from the environment and lists a missing SMS block by path', () => {
    const env = { POSTAMAT_PD_KEY: KEY, POSTAMAT_NOTIFY_CHANNELS: 'sms, webhook' };
    const result = notificationConfigSchema.safeParse(notificationEnvOverrides(env));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['sms']);
    const ok = notificationConfigSchema.parse({
      ...notificationEnvOverrides(env),
      sms: { url: 'https://sms.example/send' },
    });
    expect(ok).toMatchObject({
      encryptionKey: KEY,
      channels: ['sms', 'webhook'],
      perPhonePerHour: 5,
    });
  });
});
