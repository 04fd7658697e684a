import type { Command, CommandResult } from '../../protocol/index.ts';
import { isPostamatError, PostamatError } from '../../protocol/index.ts';
import type { CommandInbox } from '../sync/ports.ts';
import type { FlowContext } from './flow-context.ts';
import { applyPaymentCommand } from './payment-commands.ts';
import { setCellService } from './technician-flows.ts';

/**
 * Cloud commands, each applied once: the inbox row, the state change and the `command.result`
 * event commit together. A command past its expiry does nothing but report `expired`.
 */
export class StoreCommandInbox implements CommandInbox {
  private readonly seen;
  private readonly record;

  constructor(
    private readonly ctx: FlowContext,
    private readonly diagnostics: () => Record<string, unknown>,
  ) {
    this.seen = ctx.store.db.prepare<[string], { outcome: string }>(
      'SELECT outcome FROM inbox WHERE command_id = ?',
    );
    this.record = ctx.store.db.prepare<[string, string, number, string]>(
      'INSERT INTO inbox (command_id, type, received_at, outcome) VALUES (?, ?, ?, ?)',
    );
  }

  async handle(command: Command, receivedAt: number): Promise<CommandResult> {
    const base = { commandId: command.id, type: command.type };
    const opIds: number[] = [];
    // INVARIANT: the inbox row, the change and the result commit together, so a redelivered
    // command after a crash is either fully applied already or not at all.
    const result = this.ctx.store.transaction((): CommandResult => {
      if (this.seen.get(command.id)) return { ...base, outcome: 'duplicate', code: 'duplicate' };
      let r: CommandResult;
      if (command.expiresAt <= receivedAt) {
        r = { ...base, outcome: 'expired', code: 'command-expired' };
      } else {
        try {
          r = { ...base, ...this.ctx.store.transaction(() => this.act(command, opIds)) };
        } catch (error) {
          opIds.length = 0;
          const code = isPostamatError(error) ? error.code : 'invalid-state';
          r = { ...base, outcome: 'rejected', code, detail: { message: (error as Error).message } };
        }
      }
      this.record.run(command.id, command.type, receivedAt, r.outcome);
      this.ctx.store.emit('command.result', { ...r });
      return r;
    });
    for (const id of opIds) this.ctx.doors.fire(id);
    return result;
  }

  private act(command: Command, opIds: number[]): Omit<CommandResult, 'commandId' | 'type'> {
    const ctx = this.ctx;
    switch (command.type) {
      case 'remote-open': {
        const { cellId, reason, operator } = command.body;
        if (!ctx.store.cells.get(cellId)) {
          throw new PostamatError('unknown-cell', `no cell "${cellId}" at this locker`);
        }
        opIds.push(
          ctx.doors.begin({
            cellId,
            stepId: null,
            parcelId: null,
            purpose: 'remote-open',
            actorRole: 'operator',
            actorId: operator,
            credentialId: command.id,
            reason,
          }),
        );
        return { outcome: 'applied', detail: { opIds: [...opIds] } };
      }
      case 'set-cell-service': {
        const { cellId, inService, reason } = command.body;
        const r = setCellService(ctx, `command:${command.id}`, cellId, inService, reason);
        return r.ok ? { outcome: 'applied' } : { outcome: 'rejected', code: r.code };
      }
      case 'refresh-sync':
        return {
          outcome: 'applied',
          detail: { syncVersion: ctx.store.access.metaNumber('sync_version') },
        };
      case 'report-diagnostics':
        return { outcome: 'applied', detail: this.diagnostics() };
      case 'payment-qr':
      case 'payment-confirmed':
      case 'payment-failed':
        return applyPaymentCommand(ctx, command, opIds);
    }
  }
}
