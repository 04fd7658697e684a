import type { Status } from '../../protocol/index.ts';

export interface LockerPresenceEntry {
  readonly online: boolean;
  /** The locker's clock in its last status. */
  readonly lockerAt: number;
  /** The cloud's clock when the status arrived: what "last seen" means. */
  readonly receivedAt: number;
  readonly status: Status;
}

/** Online/offline per locker, from retained status messages and last wills. */
export class LockerPresence {
  private readonly entries = new Map<string, LockerPresenceEntry>();
  private readonly listeners = new Set<(lockerId: string, entry: LockerPresenceEntry) => void>();

  record(status: Status, receivedAt: number): void {
    const entry = { online: status.online, lockerAt: status.at, receivedAt, status };
    this.entries.set(status.lockerId, entry);
    for (const listener of this.listeners) listener(status.lockerId, entry);
  }

  get(lockerId: string): LockerPresenceEntry | undefined {
    return this.entries.get(lockerId);
  }

  onlineCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.online) count += 1;
    return count;
  }

  onChange(listener: (lockerId: string, entry: LockerPresenceEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
