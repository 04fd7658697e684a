import type { Logger } from 'pino';
import type { Command } from '../../protocol/index.ts';

export interface CommandPusherDeps {
  /** Commands not yet sent and not expired, oldest first. */
  readonly pendingCommands: () => Promise<Command[]>;
  readonly markCommandSent: (commandId: string) => Promise<void>;
  readonly sendCommand: (command: Command) => Promise<void>;
  /** External broker: read from the store, since this worker sees only some statuses. */
  readonly isOnline: (lockerId: string) => boolean | Promise<boolean>;
  readonly logger: Logger;
}

export interface CommandPusherCounters {
  sent: number;
  sendFailures: number;
}

/**
 * Sends operators' commands to connected lockers. A command stays `pending` in the store until
 * the broker has taken it (PUBACK), so one created while its locker is offline, or whose send
 * failed, goes out on the pass after the locker comes back. Its outcome returns as a
 * `command.result` event through the ingest, which sets the command's status.
 */
export class CommandPusher {
  readonly counters: CommandPusherCounters = { sent: 0, sendFailures: 0 };

  constructor(private readonly deps: CommandPusherDeps) {}

  async pass(): Promise<void> {
    const pending = await this.deps.pendingCommands();
    for (const command of pending) {
      if (!(await this.deps.isOnline(command.lockerId))) continue;
      try {
        await this.deps.sendCommand(command);
        await this.deps.markCommandSent(command.id);
        this.counters.sent += 1;
        this.deps.logger.info({
          event: 'command.sent',
          lockerId: command.lockerId,
          commandId: command.id,
          type: command.type,
        });
      } catch (error) {
        this.counters.sendFailures += 1;
        this.deps.logger.warn({
          event: 'command.send-failed',
          lockerId: command.lockerId,
          commandId: command.id,
          error: String(error),
        });
      }
    }
  }
}
