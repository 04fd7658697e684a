import type { ActorRole, OrderKind, StepKind } from '../../protocol/index.ts';

/** How the person doing a step proves they may: a code from the order, or a courier login. */
export type StepAuth = 'code' | 'courier';

export interface StepPlan {
  readonly kind: StepKind;
  readonly role: ActorRole;
  readonly auth: StepAuth;
}

export type Leg = 'whole' | 'first' | 'last';

const deposit = (role: ActorRole, auth: StepAuth): StepPlan => ({ kind: 'deposit', role, auth });
const collect = (role: ActorRole, auth: StepAuth): StepPlan => ({ kind: 'collect', role, auth });

/** The steps every service takes at one locker (see DESIGN.md, "Orders are itineraries"). */
const ITINERARIES: Record<OrderKind, Record<Leg, readonly StepPlan[]>> = {
  delivery: {
    whole: [deposit('courier', 'courier'), collect('recipient', 'code')],
    first: [deposit('courier', 'courier'), collect('recipient', 'code')],
    last: [deposit('courier', 'courier'), collect('recipient', 'code')],
  },
  return: {
    whole: [deposit('sender', 'code'), collect('courier', 'courier')],
    first: [deposit('sender', 'code'), collect('courier', 'courier')],
    last: [deposit('sender', 'code'), collect('courier', 'courier')],
  },
  rental: {
    whole: [deposit('renter', 'code'), collect('renter', 'code')],
    first: [deposit('renter', 'code'), collect('renter', 'code')],
    last: [deposit('renter', 'code'), collect('renter', 'code')],
  },
  'service-round-trip': {
    whole: [
      deposit('resident', 'code'),
      collect('partner-courier', 'courier'),
      deposit('partner-courier', 'courier'),
      collect('resident', 'code'),
    ],
    first: [deposit('resident', 'code'), collect('partner-courier', 'courier')],
    last: [deposit('partner-courier', 'courier'), collect('resident', 'code')],
  },
  'resident-to-resident': {
    whole: [deposit('sender', 'code'), collect('recipient', 'code')],
    first: [deposit('sender', 'code'), collect('courier', 'courier')],
    last: [deposit('courier', 'courier'), collect('recipient', 'code')],
  },
};

export function itineraryFor(kind: OrderKind, leg: Leg = 'whole'): readonly StepPlan[] {
  return ITINERARIES[kind][leg];
}

/** The order kind when the cloud did not say: a return code makes it a return. */
export function inferOrderKind(
  declared: OrderKind | undefined,
  codePurposes: readonly string[],
): OrderKind {
  if (declared) return declared;
  if (codePurposes.includes('return')) return 'return';
  if (codePurposes.includes('rental')) return 'rental';
  return 'delivery';
}

/** Which code purposes authorise a step done with a code. */
export function codePurposesFor(step: StepPlan): readonly string[] {
  if (step.auth !== 'code') return [];
  if (step.kind === 'collect') return step.role === 'renter' ? ['rental'] : ['pickup'];
  // A rental booked in the cloud has a drop-off code; a walk-in rental deposits at once.
  if (step.role === 'renter') return ['deposit', 'rental'];
  return step.role === 'sender' ? ['return', 'deposit'] : ['deposit'];
}

/** A delivered parcel left too long: a courier of the tenant takes it back. */
export function isStorageExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && now >= expiresAt;
}
