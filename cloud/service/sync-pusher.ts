import type { Logger } from 'pino';
import type { SyncMessage } from '../../protocol/index.ts';
import type { LockerPresenceEntry } from '../mqtt/locker-presence.ts';
import { answerSyncRequest, type SyncBuilder } from '../mqtt/sync-answer.ts';

export interface SyncPusherDeps {
  readonly syncVersions: () => Promise<Map<string, number>>;
  readonly buildSyncMessage: (lockerId: string, since?: number) => Promise<SyncMessage>;
  /**
   * One locker's current version: a locker that already holds it needs no message, and finding
   * that out is one read instead of building (and dropping) an empty delta — which is what every
   * locker reconnecting after a cloud restart asks for.
   */
  readonly syncVersionOf?: (lockerId: string) => Promise<number | undefined>;
  /**
   * A locker's snapshot, for one that holds nothing yet (version 0): given, these are read for
   * many lockers at once (batched-reads.ts), as every locker asks at its first connect.
   */
  readonly buildSnapshot?: (lockerId: string) => Promise<SyncMessage>;
  readonly sendSync: (message: SyncMessage) => Promise<void>;
  readonly logger: Logger;
  /** At most this many lockers are sent a delta per pass; the rest wait for the next pass. */
  readonly maxPerPass?: number;
}

export interface SyncPusherCounters {
  pushes: number;
  pushFailures: number;
}

/**
 * Data pushed ahead: keeps, per connected locker, the sync version it is believed to hold (from
 * its live status, and from every message built for it) and, on each pass, sends a delta to
 * every connected locker whose version in the store moved past that. A locker that missed a
 * message refuses the next delta (wrong base) and publishes its status again, which resets its
 * entry here and is answered by CloudLink through `builder` — so a wrong belief costs one round
 * trip, never a stuck locker.
 */
export class SyncPusher {
  readonly counters: SyncPusherCounters = { pushes: 0, pushFailures: 0 };
  private readonly held = new Map<string, number>();

  constructor(private readonly deps: SyncPusherDeps) {}

  /** The SyncBuilder for CloudLink's answers; what it builds is what the locker will hold. */
  readonly builder: SyncBuilder = async (lockerId, sinceVersion) => {
    if (sinceVersion > 0 && this.deps.syncVersionOf !== undefined) {
      const current = await this.deps.syncVersionOf(lockerId);
      if (current === sinceVersion) return undefined;
    }
    const message =
      sinceVersion <= 0 && this.deps.buildSnapshot !== undefined
        ? await this.deps.buildSnapshot(lockerId)
        : await this.deps.buildSyncMessage(lockerId, sinceVersion > 0 ? sinceVersion : undefined);
    if (message.version <= sinceVersion) return undefined;
    this.held.set(lockerId, message.version);
    return message;
  };

  /** Presence listener: a live status tells the version held; offline forgets the locker. */
  onPresence(lockerId: string, entry: LockerPresenceEntry): void {
    const version = entry.status.syncVersion;
    if (!entry.online) this.held.delete(lockerId);
    else if (version !== undefined) this.held.set(lockerId, version);
  }

  async pass(): Promise<void> {
    if (this.held.size === 0) return;
    const versions = await this.deps.syncVersions();
    let budget = this.deps.maxPerPass ?? 200;
    for (const [lockerId, held] of [...this.held]) {
      const current = versions.get(lockerId);
      if (current === undefined || current <= held) continue;
      if (budget-- <= 0) return;
      await this.push(lockerId, held);
    }
  }

  private async push(lockerId: string, held: number): Promise<void> {
    try {
      const message = await answerSyncRequest(this.builder, lockerId, held);
      if (message === undefined) return;
      await this.deps.sendSync(message);
      this.counters.pushes += 1;
    } catch (error) {
      this.counters.pushFailures += 1;
      // Believe the old version again, so the next pass retries from it.
      if (this.held.has(lockerId)) this.held.set(lockerId, held);
      this.deps.logger.warn({ event: 'sync.push.failed', lockerId, error: String(error) });
    }
  }
}
