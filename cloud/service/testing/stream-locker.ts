import type { Logger } from 'pino';
import { LockerSyncClient } from '../../../agent/sync/locker-sync-client.ts';
import type { DrainOptions } from '../../../agent/sync/outbox-drain.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from '../../../agent/sync/test-support/in-memory-agent-ports.ts';
import { systemClock } from '../../../protocol/index.ts';

/**
 * TEST SUPPORT — a locker that publishes a steady stream of events: the agent's real sync client
 * (its own MQTT connection, outbox, acks, rewinds) over the in-memory outbox, one event appended
 * every `everyMs` while `streaming`. Each event's body carries its seq, so the cloud's log can be
 * checked against what the locker produced.
 */
export class StreamLocker {
  readonly outbox: InMemoryOutbox;
  readonly client: LockerSyncClient;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly lockerId: string,
    options: {
      url: string;
      topicPrefix: string;
      logger: Logger;
      ackTimeoutMs?: number;
      drain?: DrainOptions;
    },
  ) {
    this.outbox = new InMemoryOutbox(lockerId, systemClock);
    this.client = new LockerSyncClient({
      url: options.url,
      lockerId,
      secret: 'unused-on-an-anonymous-broker',
      topicPrefix: options.topicPrefix,
      outbox: this.outbox,
      inbox: new InMemoryCommandInbox(this.outbox),
      syncTarget: new InMemorySyncTarget(),
      clock: systemClock,
      random: Math.random,
      backoff: { baseMs: 50, capMs: 1_000 },
      ackTimeoutMs: options.ackTimeoutMs ?? 1_500,
      logger: options.logger.child({ lockerId }),
      ...(options.drain === undefined ? {} : { drain: options.drain }),
    });
  }

  start(everyMs: number): void {
    this.client.start();
    this.timer = setInterval(() => {
      this.outbox.append('heartbeat.tick', { n: this.outbox.lastSeq() + 1 });
    }, everyMs);
  }

  /** Stops producing; the client keeps draining what is left. */
  stopStreaming(): void {
    clearInterval(this.timer);
  }

  drained(): boolean {
    return this.outbox.deliveredSeq() === this.outbox.lastSeq();
  }

  async close(): Promise<void> {
    this.stopStreaming();
    await this.client.stop();
  }
}
