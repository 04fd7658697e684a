import type { LockerEvent } from '../../../protocol/index.ts';
import type { EventIngestStore, IngestResult, LockerCredentialStore } from '../../ports.ts';

/**
 * TEST SEAMS. In-memory implementations of the cloud's ingest and credential ports, used by the
 * sync tests until the cloud store (branch `cloud`) lands on main. They keep the port contract:
 * per locker, events applied once and in order, stopping at a gap.
 */

export interface CommittedEvent extends LockerEvent {
  readonly receivedAt: number;
}

export class InMemoryEventIngestStore implements EventIngestStore {
  private readonly byLocker = new Map<string, CommittedEvent[]>();

  async ingest(
    lockerId: string,
    events: readonly LockerEvent[],
    receivedAt: number,
  ): Promise<IngestResult> {
    const committed = this.committed(lockerId);
    let applied = 0;
    let gap = false;
    for (const event of events) {
      const next = committed.length + 1;
      if (event.seq < next) continue;
      if (event.seq > next) {
        gap = true;
        break;
      }
      committed.push({ ...event, receivedAt });
      applied += 1;
    }
    return { committedSeq: committed.length, applied, gap };
  }

  async committedSeq(lockerId: string): Promise<number> {
    return this.committed(lockerId).length;
  }

  committed(lockerId: string): CommittedEvent[] {
    let list = this.byLocker.get(lockerId);
    if (list === undefined) {
      list = [];
      this.byLocker.set(lockerId, list);
    }
    return list;
  }
}

export class InMemoryLockerCredentialStore implements LockerCredentialStore {
  private readonly secrets = new Map<string, string>();
  private readonly revoked = new Set<string>();

  add(lockerId: string, secret: string): void {
    this.secrets.set(lockerId, secret);
  }

  revoke(lockerId: string): void {
    this.revoked.add(lockerId);
  }

  async verifyLockerSecret(lockerId: string, secret: string): Promise<boolean> {
    return !this.revoked.has(lockerId) && this.secrets.get(lockerId) === secret;
  }
}
