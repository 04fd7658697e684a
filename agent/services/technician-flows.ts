import { PostamatError } from '../../protocol/index.ts';
import type { BoardCounters } from '../drivers/lock-board.ts';
import type { AlarmRow } from '../store/door-ops-repo.ts';
import { requireSession } from './access-flows.ts';
import { commitThenOpen, type FlowContext } from './flow-context.ts';
import type { KioskResult } from './kiosk-result.ts';

function cellOrThrow(ctx: FlowContext, cellId: string) {
  const cell = ctx.store.cells.get(cellId);
  if (!cell)
    throw new PostamatError('unknown-cell', `no cell "${cellId}" at this locker`, { cellId });
  return cell;
}

function assertReason(reason: string): void {
  if (reason.trim().length < 3) {
    throw new PostamatError('bad-input', 'a reason of at least 3 characters is required', {
      field: 'reason',
    });
  }
}

/** Opens any cell for a technician or a remote operator; the reason goes to the audit log. */
export function openForService(
  ctx: FlowContext,
  who: { role: string; id: string; credentialId: string | null; purpose: string },
  cellId: string,
  reason: string,
): KioskResult<{ opIds: number[] }> {
  cellOrThrow(ctx, cellId);
  assertReason(reason);
  const result = commitThenOpen(ctx, () => ({
    opIds: [
      ctx.doors.begin({
        cellId,
        stepId: null,
        parcelId: null,
        purpose: who.purpose,
        actorRole: who.role,
        actorId: who.id,
        credentialId: who.credentialId,
        reason,
      }),
    ],
  }));
  return { ok: true, opIds: result.opIds };
}

export function technicianOpen(
  ctx: FlowContext,
  sessionId: string,
  cellId: string,
  reason: string,
) {
  const s = requireSession(ctx, sessionId, 'technician');
  const who = {
    role: 'technician',
    id: s.holderId,
    credentialId: s.credentialId,
    purpose: 'technician',
  };
  return openForService(ctx, who, cellId, reason);
}

/** Puts a cell in or out of service (also used by the cloud's set-cell-service command). */
export function setCellService(
  ctx: FlowContext,
  by: string,
  cellId: string,
  inService: boolean,
  reason: string,
): KioskResult<Record<never, never>> {
  cellOrThrow(ctx, cellId);
  assertReason(reason);
  ctx.store.transaction(() => {
    ctx.store.cells.setService(cellId, inService, reason);
    ctx.store.emit(inService ? 'cell.in-service' : 'cell.out-of-service', { cellId, reason, by });
  });
  ctx.events.emit({ type: 'cell', cellId, state: inService ? 'free' : 'out-of-service' });
  if (inService) ctx.store.transaction(() => ctx.doors.settleCell(cellId));
  return { ok: true };
}

export function technicianSetService(
  ctx: FlowContext,
  sessionId: string,
  cellId: string,
  inService: boolean,
  reason: string,
) {
  const s = requireSession(ctx, sessionId, 'technician');
  return setCellService(ctx, `technician:${s.holderId}`, cellId, inService, reason);
}

export function technicianStatus(
  ctx: FlowContext,
  sessionId: string,
): KioskResult<{
  alarms: AlarmRow[];
  boards: { id: string; online: boolean; counters: BoardCounters }[];
}> {
  requireSession(ctx, sessionId, 'technician');
  const boards = [...ctx.boards.values()].map((b) => ({
    id: b.id,
    online: b.isOnline(),
    counters: b.counters(),
  }));
  return { ok: true, alarms: ctx.store.doorOps.openAlarms(), boards };
}

/**
 * Inventory of cells the locker believes empty: each must be in service with its door closed
 * and its board online; anything else is listed for the technician to look at.
 */
export function inventoryCheck(
  ctx: FlowContext,
  sessionId: string,
): KioskResult<{ checked: number; problems: { cellId: string; problem: string }[] }> {
  requireSession(ctx, sessionId, 'technician');
  const empty = ctx.store.cells.all().filter((c) => c.occupancy === 'free');
  const problems: { cellId: string; problem: string }[] = [];
  for (const cell of empty) {
    const board = ctx.boards.get(cell.boardId);
    if (!board?.isOnline()) problems.push({ cellId: cell.id, problem: 'board-offline' });
    else if (board.doorStates()[cell.channel - 1] !== 'closed') {
      problems.push({ cellId: cell.id, problem: 'door-not-closed' });
    } else if (cell.outOfService) problems.push({ cellId: cell.id, problem: 'out-of-service' });
  }
  ctx.store.transaction(() =>
    ctx.store.emit('inventory.checked', { checked: empty.length, problems: problems.length }),
  );
  return { ok: true, checked: empty.length, problems };
}
