/**
 * Whether a courier may pass a gate now, from what the locker holds offline: the passes whose
 * hash matched what was typed, and whether the courier's credential is known to be revoked.
 * Pure: time comes in as an argument.
 */
export interface PassCandidate {
  readonly passId: string;
  readonly holderId: string;
  readonly tenantId: string;
  readonly validFrom: number;
  readonly validUntil: number;
}

export type PassRefusal = 'unknown-credential' | 'revoked' | 'no-pass-now';

export type PassDecision =
  | { readonly allowed: true; readonly pass: PassCandidate }
  | {
      readonly allowed: false;
      readonly reason: PassRefusal;
      readonly holderId: string | null;
    };

export function checkPass(
  passes: readonly PassCandidate[],
  credential: { readonly holderId: string; readonly revoked: boolean } | undefined,
  now: number,
): PassDecision {
  const holderId = passes[0]?.holderId ?? credential?.holderId ?? null;
  // INVARIANT: a revoked courier is refused even while a pass pushed earlier is still valid.
  if (credential?.revoked) return { allowed: false, reason: 'revoked', holderId };
  if (passes.length === 0) {
    return { allowed: false, reason: credential ? 'no-pass-now' : 'unknown-credential', holderId };
  }
  const live = passes.find((p) => p.validFrom <= now && now < p.validUntil);
  if (live === undefined) return { allowed: false, reason: 'no-pass-now', holderId };
  return { allowed: true, pass: live };
}
