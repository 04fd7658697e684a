import {
  type Clock,
  type Command,
  type CommandResult,
  type LockerEvent,
  PostamatError,
  type SyncMessage,
} from '../../../protocol/index.ts';
import type { CommandInbox, Outbox, SyncTarget } from '../ports.ts';

/**
 * TEST SEAMS. Small in-memory implementations of the agent's sync ports, used by the sync tests
 * until the agent core's SQLite store (branch `agent`) lands on main. They keep the ports'
 * documented contract (gap-free seqs, applied-once commands, delta base checks) and nothing else.
 */

export class InMemoryOutbox implements Outbox {
  private readonly events: LockerEvent[] = [];
  private delivered = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly lockerId: string,
    private readonly clock: Clock,
  ) {}

  /** What the agent core does when a change of state commits. */
  append(type: string, body: Record<string, unknown> = {}): LockerEvent {
    const event = {
      lockerId: this.lockerId,
      seq: this.events.length + 1,
      at: this.clock.now(),
      type,
      body,
    };
    this.events.push(event);
    for (const listener of this.listeners) listener();
    return event;
  }

  /** Bulk append without a notification per event (a week offline). */
  appendMany(count: number, type: string): void {
    for (let i = 0; i < count; i += 1) {
      this.events.push({
        lockerId: this.lockerId,
        seq: this.events.length + 1,
        at: this.clock.now(),
        type,
        body: { n: i },
      });
    }
    for (const listener of this.listeners) listener();
  }

  pending(afterSeq: number, limit: number): LockerEvent[] {
    const from = Math.max(afterSeq, this.delivered);
    return this.events.slice(from, from + limit);
  }

  markDelivered(seq: number): void {
    this.delivered = Math.max(this.delivered, Math.min(seq, this.events.length));
  }

  deliveredSeq(): number {
    return this.delivered;
  }

  depth(): number {
    return this.events.length - this.delivered;
  }

  lastSeq(): number {
    return this.events.length;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class InMemoryCommandInbox implements CommandInbox {
  readonly applied: Command[] = [];
  readonly results: CommandResult[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly outbox: InMemoryOutbox) {}

  async handle(command: Command, receivedAt: number): Promise<CommandResult> {
    const base = { commandId: command.id, type: command.type };
    let result: CommandResult;
    if (this.seen.has(command.id)) {
      result = { ...base, outcome: 'duplicate', code: 'duplicate' };
    } else if (receivedAt > command.expiresAt) {
      this.seen.add(command.id);
      result = { ...base, outcome: 'expired', code: 'command-expired' };
    } else {
      this.seen.add(command.id);
      this.applied.push(command);
      result = { ...base, outcome: 'applied' };
    }
    this.results.push(result);
    this.outbox.append('command.result', { ...result });
    return result;
  }
}

export class InMemorySyncTarget implements SyncTarget {
  private version = 0;
  readonly appliedMessages: SyncMessage[] = [];

  syncVersion(): number {
    return this.version;
  }

  applySync(message: SyncMessage): void {
    if (message.kind === 'delta' && message.baseVersion !== this.version) {
      throw new PostamatError(
        'conflict',
        `delta on base ${String(message.baseVersion)} but the locker holds ${this.version}`,
        { baseVersion: message.baseVersion, held: this.version },
      );
    }
    this.version = message.version;
    this.appliedMessages.push(message);
  }
}
