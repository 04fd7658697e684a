import type { AlarmKind } from '../../protocol/index.ts';
import type { DoorOp, DoorOpState } from '../domain/door-op.ts';
import type { Db } from './database.ts';

/** Who opened a door and why: the audit side of a door operation. */
export interface DoorOpWho {
  readonly cellId: string;
  readonly stepId: string | null;
  readonly parcelId: string | null;
  readonly purpose: string;
  readonly actorRole: string;
  readonly actorId: string;
  readonly credentialId: string | null;
  readonly reason: string | null;
}

export interface DoorOpRow extends DoorOp, DoorOpWho {
  readonly id: number;
}

export interface AlarmRow {
  readonly id: number;
  readonly kind: AlarmKind;
  readonly cellId: string | null;
  readonly boardId: string | null;
  readonly detail: Record<string, unknown>;
  readonly raisedAt: number;
  readonly clearedAt: number | null;
}

const OP_COLS = `id, cell_id AS cellId, step_id AS stepId, parcel_id AS parcelId, purpose, actor_role AS actorRole,
  actor_id AS actorId, credential_id AS credentialId, reason, state, attempt, intent_at AS intentAt,
  unlocked_at AS unlockedAt, opened_at AS openedAt, closed_at AS closedAt,
  left_open_alarmed AS leftOpenAlarmed`;
type RawOp = Omit<DoorOpRow, 'leftOpenAlarmed'> & { leftOpenAlarmed: number };
const toOp = (r: RawOp): DoorOpRow => ({ ...r, leftOpenAlarmed: r.leftOpenAlarmed === 1 });
type RawAlarm = Omit<AlarmRow, 'detail'> & { detail: string };

export class DoorOpsRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO door_ops (cell_id, step_id, parcel_id, purpose, actor_role, actor_id, credential_id, reason,
           state, attempt, intent_at)
         VALUES (@cellId, @stepId, @parcelId, @purpose, @actorRole, @actorId, @credentialId, @reason,
           @state, @attempt, @intentAt)`,
      ),
      update: db.prepare(
        `UPDATE door_ops SET state = @state, attempt = @attempt, intent_at = @intentAt,
           unlocked_at = @unlockedAt, opened_at = @openedAt, closed_at = @closedAt,
           left_open_alarmed = @leftOpenAlarmed WHERE id = @id`,
      ),
      setPurpose: db.prepare<[string, number]>('UPDATE door_ops SET purpose = ? WHERE id = ?'),
      get: db.prepare<[number], RawOp>(`SELECT ${OP_COLS} FROM door_ops WHERE id = ?`),
      active: db.prepare<[], RawOp>(
        `SELECT ${OP_COLS} FROM door_ops WHERE state IN ('intent','unlocked','open') ORDER BY id`,
      ),
      ofStep: db.prepare<[string], RawOp>(
        `SELECT ${OP_COLS} FROM door_ops WHERE step_id = ? ORDER BY id`,
      ),
      recent: db.prepare<[number], RawOp>(
        `SELECT ${OP_COLS} FROM door_ops ORDER BY id DESC LIMIT ?`,
      ),
      raise: db.prepare(
        `INSERT INTO alarms (kind, cell_id, board_id, detail, raised_at)
         VALUES (@kind, @cellId, @boardId, @detail, @raisedAt)`,
      ),
      openAlarms: db.prepare<[], RawAlarm>(
        `SELECT id, kind, cell_id AS cellId, board_id AS boardId, detail, raised_at AS raisedAt,
           cleared_at AS clearedAt FROM alarms WHERE cleared_at IS NULL ORDER BY id`,
      ),
      clearAlarm: db.prepare<[number, number]>(
        'UPDATE alarms SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL',
      ),
    };
  }

  insert(who: DoorOpWho, op: DoorOp): number {
    return Number(this.s.insert.run({ ...who, ...op }).lastInsertRowid);
  }
  update(id: number, op: DoorOp): void {
    this.s.update.run({ ...op, id, leftOpenAlarmed: op.leftOpenAlarmed ? 1 : 0 });
  }
  setPurpose(id: number, purpose: string): void {
    this.s.setPurpose.run(purpose, id);
  }
  get(id: number): DoorOpRow | undefined {
    const r = this.s.get.get(id);
    return r ? toOp(r) : undefined;
  }
  active(): DoorOpRow[] {
    return this.s.active.all().map(toOp);
  }
  ofStep(stepId: string): DoorOpRow[] {
    return this.s.ofStep.all(stepId).map(toOp);
  }
  recent(limit: number): DoorOpRow[] {
    return this.s.recent.all(limit).map(toOp);
  }
  raiseAlarm(a: Omit<AlarmRow, 'id' | 'clearedAt'>): number {
    return Number(this.s.raise.run({ ...a, detail: JSON.stringify(a.detail) }).lastInsertRowid);
  }
  openAlarms(): AlarmRow[] {
    return this.s.openAlarms
      .all()
      .map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
  clearAlarm(id: number, at: number): boolean {
    return this.s.clearAlarm.run(at, id).changes > 0;
  }
}

export type { DoorOpState };
