import type { Logger } from 'pino';
import { isPostamatError, type SyncMessage } from '../../protocol/index.ts';
import type { CloudClock } from './domain/cloud-clock.ts';
import type { SyncTarget } from './ports.ts';

export interface SyncIntakeCounters {
  applied: number;
  stale: number;
  refused: number;
  requests: number;
}

/**
 * Applies sync messages to the store. A message not newer than what the locker holds is dropped
 * (a duplicate or a late one). A delta on another base means the locker missed a message: it asks
 * again by publishing a live status carrying the version it really holds, and the cloud answers
 * with a delta from there or a snapshot.
 */
export class SyncIntake {
  readonly counters: SyncIntakeCounters = { applied: 0, stale: 0, refused: 0, requests: 0 };

  constructor(
    private readonly target: SyncTarget,
    private readonly logger: Logger,
    private readonly requestSync: () => void,
  ) {}

  receive(message: SyncMessage, cloudClock: CloudClock): void {
    cloudClock.observe(message.issuedAt);
    const held = this.target.syncVersion();
    if (message.version <= held) {
      this.counters.stale += 1;
      return;
    }
    if (message.kind === 'delta' && message.baseVersion !== held) {
      this.refuse(message, held, 'wrong-base');
      return;
    }
    try {
      this.target.applySync(message);
      this.counters.applied += 1;
      this.logger.info({ event: 'sync.applied', kind: message.kind, version: message.version });
    } catch (error) {
      this.refuse(message, held, isPostamatError(error) ? error.code : String(error));
    }
  }

  private refuse(message: SyncMessage, held: number, reason: string): void {
    this.counters.refused += 1;
    this.counters.requests += 1;
    this.logger.warn({
      event: 'sync.refused',
      reason,
      version: message.version,
      baseVersion: message.baseVersion,
      held,
    });
    this.requestSync();
  }
}
