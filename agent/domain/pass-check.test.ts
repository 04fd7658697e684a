import { describe, expect, it } from 'vitest';
import { checkPass, type PassCandidate } from './pass-check.ts';

const pass: PassCandidate = {
  passId: 'p1',
  holderId: 'c1',
  tenantId: 'T1',
  validFrom: 1000,
  validUntil: 2000,
};

describe('checkPass', () => {
  it.each([
    { name: 'a live pass', passes: [pass], cred: undefined, now: 1500, want: 'allowed' },
    { name: 'before the window', passes: [pass], cred: undefined, now: 999, want: 'no-pass-now' },
    { name: 'at its end', passes: [pass], cred: undefined, now: 2000, want: 'no-pass-now' },
    {
      name: 'a known courier without a pass',
      passes: [],
      cred: { holderId: 'c1', revoked: false },
      now: 1500,
      want: 'no-pass-now',
    },
    { name: 'nothing matched', passes: [], cred: undefined, now: 1500, want: 'unknown-credential' },
    {
      name: 'a revoked courier with a live pass',
      passes: [pass],
      cred: { holderId: 'c1', revoked: true },
      now: 1500,
      want: 'revoked',
    },
  ])('$name → $want', ({ passes, cred, now, want }) => {
    const d = checkPass(passes, cred, now);
    expect(d.allowed ? 'allowed' : d.reason).toBe(want);
  });
});
