import type { ActorRole, OrderKind, OrderStatus, StepKind } from '../../protocol/index.ts';

/** What a code opens, as the sync message names it (syncCodeSchema.purpose). */
export type CodePurpose = 'pickup' | 'return' | 'rental' | 'deposit';

export interface PlannedStep {
  readonly kind: StepKind;
  readonly role: ActorRole;
  readonly lockerId: string;
  /** Steps done by a person without a courier credential open with a code. */
  readonly codePurpose?: CodePurpose;
}

export interface ItineraryInput {
  readonly kind: OrderKind;
  readonly lockerId: string;
  /** Resident to resident at another locker: where the recipient collects. */
  readonly toLockerId?: string | undefined;
}

const step = (
  kind: StepKind,
  role: ActorRole,
  lockerId: string,
  codePurpose?: CodePurpose,
): PlannedStep =>
  codePurpose === undefined ? { kind, role, lockerId } : { kind, role, lockerId, codePurpose };

/** Every service as deposit/collect steps (DESIGN.md, "Orders are itineraries of legs"). */
export function planItinerary(input: ItineraryInput): PlannedStep[] {
  const a = input.lockerId;
  switch (input.kind) {
    case 'delivery':
      return [step('deposit', 'courier', a), step('collect', 'recipient', a, 'pickup')];
    case 'return':
      return [step('deposit', 'sender', a, 'return'), step('collect', 'courier', a)];
    case 'rental':
      return [step('deposit', 'renter', a, 'deposit'), step('collect', 'renter', a, 'rental')];
    case 'service-round-trip':
      return [
        step('deposit', 'resident', a, 'deposit'),
        step('collect', 'partner-courier', a),
        step('deposit', 'partner-courier', a),
        step('collect', 'resident', a, 'pickup'),
      ];
    case 'resident-to-resident': {
      const b = input.toLockerId ?? a;
      if (b === a) {
        return [step('deposit', 'sender', a, 'deposit'), step('collect', 'recipient', a, 'pickup')];
      }
      return [
        step('deposit', 'sender', a, 'deposit'),
        step('collect', 'courier', a),
        step('deposit', 'courier', b),
        step('collect', 'recipient', b, 'pickup'),
      ];
    }
  }
}

/** The lockers an itinerary occupies, each booked once. */
export function lockersOf(steps: readonly PlannedStep[]): string[] {
  return [...new Set(steps.map((s) => s.lockerId))].sort();
}

const PERSON_ROLES: readonly ActorRole[] = ['recipient', 'resident', 'renter', 'sender'];

export interface StepProgress {
  readonly kind: StepKind;
  readonly role: ActorRole;
  readonly done: boolean;
}

/** The order's status once the given steps are in the given states. */
export function statusOf(
  kind: OrderKind,
  steps: readonly StepProgress[],
  expired: boolean,
): OrderStatus {
  const next = steps.find((s) => !s.done);
  if (next === undefined) {
    if (expired) return 'returned';
    return kind === 'delivery' || kind === 'resident-to-resident' ? 'collected' : 'completed';
  }
  if (steps.every((s) => !s.done)) return 'booked';
  if (expired) return 'expired';
  if (next.kind === 'collect') {
    return PERSON_ROLES.includes(next.role) ? 'ready-for-pickup' : 'deposited';
  }
  return 'in-transit';
}
