import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { CellSize, SyncMessage } from '../../protocol/index.ts';
import { Agent, type AgentOptions } from '../agent.ts';
import { keyedHasher } from '../services/hasher.ts';
import { TestPaymentProvider } from '../services/payment-provider.ts';
import { Store } from '../store/store.ts';
import { ScriptedLockBoard } from './scripted-lock-board.ts';

/** TEST SUPPORT — one locker with a real SQLite file in a temp dir and one scripted board. */
export const LOCKER = 'L-test-1';
export const HASH_KEY = 'test-hash-key';
export const hash = keyedHasher(HASH_KEY);
export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const DAY = 86_400_000;

/** 8 cells: S1 S2 M3 M4(refrigerated) L5 L6 XL7 XL8, on board rs485:1. */
export const LAYOUT: SyncMessage['layout'] = (
  ['S', 'S', 'M', 'M', 'L', 'L', 'XL', 'XL'] as CellSize[]
).map((size, i) => ({
  cellId: `C${i + 1}`,
  bus: 'rs485',
  board: 1,
  channel: i + 1,
  size,
  features: i === 3 ? ['refrigerated' as const] : [],
}));

export function baseSync(): SyncMessage {
  return {
    lockerId: LOCKER,
    kind: 'snapshot',
    version: 1,
    issuedAt: T0,
    layout: LAYOUT,
    credentials: [
      {
        credentialId: 'cr-1',
        role: 'courier',
        holderId: 'courier-1',
        tenantId: 'T1',
        kind: 'badge-pin',
        secretHash: hash('courier-badge', 'B-100', '1234'),
        revoked: false,
        validFrom: 0,
        validUntil: T0 + 365 * DAY,
      },
      {
        credentialId: 'cr-2',
        role: 'courier',
        holderId: 'courier-2',
        tenantId: 'T2',
        kind: 'daily-code',
        secretHash: hash('courier-daily-code', '5555'),
        revoked: false,
        validFrom: 0,
        validUntil: T0 + 365 * DAY,
      },
      {
        credentialId: 'tech-1',
        role: 'technician',
        holderId: 'tech-1',
        kind: 'pin',
        secretHash: hash('technician-pin', '999999'),
        revoked: false,
        validFrom: 0,
        validUntil: T0 + 365 * DAY,
      },
    ],
    tariffs: [
      { size: 'S', firstHourKopecks: 5000, nextHourKopecks: 2000, dayCapKopecks: 30000 },
      { size: 'M', firstHourKopecks: 7000, nextHourKopecks: 3000, dayCapKopecks: 40000 },
    ],
    storageHoursByTenant: { T1: 72 },
  };
}

export function parcelSync(
  version: number,
  orderId: string,
  barcodes: string[],
  opts: {
    size?: CellSize;
    code?: string;
    purpose?: 'pickup' | 'return' | 'deposit';
    tenantId?: string;
    refrigerated?: boolean;
    orderKind?: NonNullable<SyncMessage['parcels']>[number]['orderKind'];
    leg?: 'whole' | 'first' | 'last';
    extraCode?: { code: string; purpose: 'pickup' | 'return' | 'deposit' };
  } = {},
): SyncMessage {
  const purpose = opts.purpose ?? 'pickup';
  const codes = opts.code ? [{ code: opts.code, purpose }] : [];
  if (opts.extraCode) codes.push(opts.extraCode);
  return {
    lockerId: LOCKER,
    kind: 'delta',
    version,
    baseVersion: version - 1,
    issuedAt: T0,
    parcels: barcodes.map((b) => ({
      orderId,
      tenantId: opts.tenantId ?? 'T1',
      barcodeHash: hash('barcode', b),
      size: opts.size ?? 'S',
      refrigerated: opts.refrigerated ?? false,
      storageHours: 72,
      validFrom: 0,
      validUntil: T0 + 30 * DAY,
      ...(opts.orderKind ? { orderKind: opts.orderKind } : {}),
      ...(opts.leg ? { leg: opts.leg } : {}),
    })),
    codes: codes.map((c) => ({
      orderId,
      stepId: `${orderId}-${c.purpose}`,
      purpose: c.purpose,
      codeHash: hash(`${c.purpose}-code`, c.code),
      validFrom: 0,
      validUntil: T0 + 30 * DAY,
    })),
  };
}

export interface Fixture {
  readonly agent: Agent;
  readonly store: Store;
  readonly board: ScriptedLockBoard;
  readonly clock: { t: number; now(): number };
  readonly payments: TestPaymentProvider;
  readonly dir: string;
  /** Lets pending unlock promises settle. */
  flush(): Promise<void>;
  /** The person opens then closes the door of a channel. */
  openClose(channel: number): void;
  close(): void;
}

export function makeFixture(
  extra: Partial<Pick<AgentOptions, 'gates' | 'collectAtOnce' | 'log'>> = {},
): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-agent-'));
  const clock = {
    t: T0,
    now() {
      return this.t;
    },
  };
  const store = Store.open(join(dir, 'agent.db'), LOCKER, clock);
  const board = new ScriptedLockBoard('rs485:1', 8, () => clock.now());
  const payments = new TestPaymentProvider();
  const agent = new Agent({
    lockerId: LOCKER,
    hashKey: HASH_KEY,
    store,
    boards: [board],
    clock,
    log: pino({ level: 'silent' }),
    payments,
    tickMs: 0,
    ...extra,
  });
  agent.sync.applySync(baseSync());
  agent.start();
  return {
    agent,
    store,
    board,
    clock,
    payments,
    dir,
    flush: () => new Promise((r) => setImmediate(r)),
    openClose(channel) {
      board.setDoor(channel, 'open');
      board.setDoor(channel, 'closed');
    },
    close() {
      agent.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Events of a type in the outbox, bodies parsed. */
export function eventsOf(store: Store, type: string): Record<string, unknown>[] {
  return store.outbox
    .pending(0, 100_000)
    .filter((e) => e.type === type)
    .map((e) => e.body);
}
