/**
 * Whether a board answers, as a pure state machine: failures and successes come in with their
 * time; "went offline" / "came back" come out, and `due(at)` says whether the board may be
 * polled now. An offline board is probed with exponential backoff so a dead board costs the
 * line one short probe now and then instead of a timeout on every poll.
 */
export interface HealthOptions {
  /** Consecutive failed transactions that mark a board offline. */
  readonly failuresToOffline: number;
  readonly firstProbeMs: number;
  readonly maxProbeMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = {
  failuresToOffline: 3,
  firstProbeMs: 1000,
  maxProbeMs: 30_000,
};

export type HealthState = 'unknown' | 'online' | 'offline';
export type HealthChange = 'online' | 'offline' | undefined;

export class BoardHealth {
  private state: HealthState = 'unknown';
  private failures = 0;
  private backoffMs: number;
  private nextProbeAt = 0;

  constructor(private readonly options: HealthOptions = DEFAULT_HEALTH) {
    this.backoffMs = options.firstProbeMs;
  }

  current(): HealthState {
    return this.state;
  }

  /** Online and unknown boards are polled every cycle; offline ones only when a probe is due. */
  due(at: number): boolean {
    return this.state !== 'offline' || at >= this.nextProbeAt;
  }

  succeeded(): HealthChange {
    this.failures = 0;
    this.backoffMs = this.options.firstProbeMs;
    if (this.state === 'online') return undefined;
    this.state = 'online';
    return 'online';
  }

  failed(at: number): HealthChange {
    this.failures++;
    if (this.state === 'offline') {
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxProbeMs);
      this.nextProbeAt = at + this.backoffMs;
      return undefined;
    }
    if (this.failures < this.options.failuresToOffline) return undefined;
    this.state = 'offline';
    this.nextProbeAt = at + this.backoffMs;
    return 'offline';
  }
}
