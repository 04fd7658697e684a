import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_COST, hashPassword, verifyPassword } from './password.ts';

describe('console passwords (scrypt)', () => {
  it('hashes with the default cost and a salt per hash, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(costOf(a)).toEqual(DEFAULT_COST);
    expect(DEFAULT_COST.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it('verifies a hash made with other parameters (they are stored with it)', async () => {
    const cheap = await hashPassword('pässwörd-ünïcode', { N: 2 ** 10, r: 8, p: 2 });
    expect(cheap.startsWith('scrypt$1024$8$2$')).toBe(true);
    expect(await verifyPassword('pässwörd-ünïcode', cheap)).toBe(true);
  });

  it('never matches a malformed stored hash', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$0$8$1$AA==$AA==', 'scrypt$1024$8$1$AA==']) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });
});
