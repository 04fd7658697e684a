import type { Logger } from 'pino';
import type { Command } from '../../protocol/index.ts';
import type { CloudClock } from './domain/cloud-clock.ts';
import type { CommandInbox } from './ports.ts';

/**
 * Hands commands to the inbox one at a time, in arrival order, stamped with the estimated CLOUD
 * time of receipt. Until the current connection has learned cloud time, commands wait here: a
 * stale command must never be judged against a stale or missing clock reference.
 */
export class CommandRelay {
  private held: Command[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly inbox: CommandInbox,
    private readonly cloudClock: CloudClock,
    private readonly logger: Logger,
    private readonly onRefreshSync: () => void,
    private readonly counters: { commandsHandled: number },
  ) {}

  receive(command: Command): void {
    this.held.push(command);
    this.release();
  }

  /** Called whenever cloud time may have become known. */
  release(): void {
    if (!this.cloudClock.known()) return;
    const ready = this.held;
    this.held = [];
    for (const command of ready) {
      const receivedAt = this.cloudClock.now()!;
      this.chain = this.chain.then(() => this.handle(command, receivedAt));
    }
  }

  /** The connection dropped: held commands go with it (the cloud sees no result and may reissue). */
  dropHeld(): void {
    this.held = [];
  }

  private async handle(command: Command, receivedAt: number): Promise<void> {
    try {
      const result = await this.inbox.handle(command, receivedAt);
      this.counters.commandsHandled += 1;
      this.logger.info({ event: 'sync.command', id: command.id, outcome: result.outcome });
      if (command.type === 'refresh-sync' && result.outcome === 'applied') this.onRefreshSync();
    } catch (error) {
      this.logger.error({ event: 'sync.command.failed', id: command.id, error: String(error) });
    }
  }
}
