import type { FleetLocker } from './fleet-locker.ts';

/** What happens at a locker over the day, in shares of the events generated. */
export const TRAFFIC_MIX = { deposit: 0.45, collection: 0.45, alarm: 0.1 } as const;

export type TrafficKind = keyof typeof TRAFFIC_MIX;

/**
 * One thing happening at a locker. Deposits and collections are written as the agent's flows
 * commit them (a `step.done` for the order, in one transaction with its door event) for orders
 * the cloud does not know: booking 10,000 lockers' parcels through the tenant API first would
 * measure the API, not the wire. The cloud stores them and its projection ignores steps of
 * unknown orders. Alarms go through the agent itself: the tamper switch trips and clears.
 */
export function act(locker: FleetLocker, kind: TrafficKind, n: number): void {
  const { store } = locker;
  if (kind === 'alarm') {
    locker.agent.reportInput('tamper', true);
    locker.agent.reportInput('tamper', false);
    return;
  }
  const orderId = `fleet-${locker.lockerId}-${n}`;
  store.transaction(() => {
    store.emit('door.closed', { cellId: 'C1', channel: 1 });
    store.emit('step.done', {
      orderId,
      stepId: `${orderId}-${kind}`,
      kind: kind === 'deposit' ? 'deposit' : 'collect',
      role: kind === 'deposit' ? 'courier' : 'recipient',
    });
  });
}

export function pickKind(random: () => number): TrafficKind {
  const r = random();
  if (r < TRAFFIC_MIX.deposit) return 'deposit';
  if (r < TRAFFIC_MIX.deposit + TRAFFIC_MIX.collection) return 'collection';
  return 'alarm';
}

/**
 * Drives `rate` events per second spread over random lockers of the fleet, in 50 ms steps (the
 * fractional remainder carries over, so low rates are exact on average).
 */
export class TrafficGenerator {
  private timer: NodeJS.Timeout | undefined;
  private owed = 0;
  private actions = 0;
  events = 0;
  bursts = 0;

  constructor(
    private readonly lockers: readonly FleetLocker[],
    private readonly random: () => number = Math.random,
  ) {}

  /** Events per second across the fleet; 0 stops. */
  setRate(rate: number): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.owed = 0;
    if (rate <= 0 || this.lockers.length === 0) return;
    const stepMs = 50;
    this.timer = setInterval(() => {
      this.owed += (rate * stepMs) / 1000;
      while (this.owed >= 1) this.owed -= this.fire();
    }, stepMs);
  }

  /** `count` actions at once on every locker (an ingest burst); returns events written. */
  burst(perLocker: number): number {
    let written = 0;
    for (const locker of this.lockers) {
      for (let i = 0; i < perLocker; i += 1) written += this.fireAt(locker, 'deposit');
    }
    this.bursts += 1;
    return written;
  }

  stop(): void {
    this.setRate(0);
  }

  private fire(): number {
    const index = Math.floor(this.random() * this.lockers.length);
    const locker = this.lockers[index];
    if (locker === undefined) return 1;
    return this.fireAt(locker, pickKind(this.random));
  }

  private fireAt(locker: FleetLocker, kind: TrafficKind): number {
    this.actions += 1;
    const before = locker.lastSeq();
    act(locker, kind, this.actions);
    // Counted from the outbox: what the agent really wrote (an alarm writes several).
    const written = locker.lastSeq() - before;
    this.events += written;
    return Math.max(1, written);
  }
}
