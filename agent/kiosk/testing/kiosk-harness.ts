import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { CellSize, SyncMessage } from '../../../protocol/index.ts';
import { SimBoard, SimulatedLockBoard } from '../../../simulator/index.ts';
import { Agent } from '../../agent.ts';
import { keyedHasher } from '../../services/hasher.ts';
import type { NetworkLink } from '../../services/network-link.ts';
import type { PaymentChannels } from '../../services/payment-desk.ts';
import { TestPaymentProvider } from '../../services/payment-provider.ts';
import { Store } from '../../store/store.ts';
import { type Kiosk, startKiosk } from '../kiosk-server.ts';

/**
 * TEST SUPPORT — the real Agent on a real SQLite file in a temp dir, one simulated lock board
 * in-process, the kiosk on port 0. Seed data goes in the way the cloud sends it: sync messages
 * with keyed hashes, through the Agent's own SyncTarget.
 */
export const LOCKER = 'L-kiosk-1';
export const HASH_KEY = 'kiosk-test-key';
export const COURIER = { badge: 'B-100200', pin: '1234', tenantId: 'T1' };
export const TECHNICIAN_PIN = '999999';
const hash = keyedHasher(HASH_KEY);
const DAY = 86_400_000;
const BOARD = 1;

/** 12 cells on board rs485:1: 1–4 S, 5–8 M, 9–10 L, 11–12 XL. */
export const SIZES: readonly CellSize[] = [
  'S',
  'S',
  'S',
  'S',
  'M',
  'M',
  'M',
  'M',
  'L',
  'L',
  'XL',
  'XL',
];

function snapshot(now: number): SyncMessage {
  const until = now + 365 * DAY;
  const credential = { revoked: false, validFrom: 0, validUntil: until };
  return {
    lockerId: LOCKER,
    kind: 'snapshot',
    version: 1,
    issuedAt: now,
    layout: SIZES.map((size, i) => ({
      cellId: String(i + 1),
      bus: 'rs485',
      board: BOARD,
      channel: i + 1,
      size,
      features: [],
    })),
    credentials: [
      {
        ...credential,
        credentialId: 'cr-courier',
        role: 'courier',
        holderId: 'Иван',
        tenantId: COURIER.tenantId,
        kind: 'badge-pin',
        secretHash: hash('courier-badge', COURIER.badge, COURIER.pin),
      },
      {
        ...credential,
        credentialId: 'cr-tech',
        role: 'technician',
        holderId: 'tech-1',
        kind: 'pin',
        secretHash: hash('technician-pin', TECHNICIAN_PIN),
      },
    ],
    tariffs: (['S', 'M', 'L', 'XL'] as const).map((size, i) => ({
      size,
      firstHourKopecks: 9900 + i * 5000,
      nextHourKopecks: 3000 + i * 1000,
      dayCapKopecks: 49000 + i * 20000,
    })),
    storageHoursByTenant: { [COURIER.tenantId]: 72 },
  };
}

export interface ParcelSeed {
  readonly orderId: string;
  readonly barcodes: readonly string[];
  readonly size?: CellSize;
  /** The code the recipient (pickup) or sender (deposit, return) types. */
  readonly code?: string;
  readonly purpose?: 'pickup' | 'return' | 'deposit';
  readonly orderKind?: NonNullable<SyncMessage['parcels']>[number]['orderKind'];
  /** Cash on delivery: what the recipient pays before the cell opens. */
  readonly amountDueKopecks?: number;
}

export interface KioskHarness {
  readonly agent: Agent;
  readonly board: SimBoard;
  readonly kiosk: Kiosk;
  readonly payments: TestPaymentProvider;
  /** Sends a parcel (and its code) to the locker as a sync delta. */
  seedParcel(seed: ParcelSeed): void;
  /** The person shuts the door of a cell (doors spring open on unlock in the simulator). */
  closeDoor(cellId: string): void;
  /** Resolves once the agent has reported the door of `cellId` in `door` state since `after`. */
  doorSeen(cellId: string, door: 'open' | 'closed', timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startKioskHarness(
  options: {
    idleMs?: number;
    openTimeoutMs?: number;
    port?: number;
    network?: NetworkLink;
    paymentChannels?: PaymentChannels;
    receiptKeyPem?: string;
  } = {},
): Promise<KioskHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-kiosk-'));
  const clock = { now: () => Date.now() };
  const store = Store.open(join(dir, 'agent.db'), LOCKER, clock);
  const board = new SimBoard({ address: BOARD, channels: SIZES.length, springDelayMs: 150 });
  const openTimeoutMs = options.openTimeoutMs ?? 1500;
  const lockBoard = new SimulatedLockBoard({
    board,
    busId: 'rs485',
    // The coil is off before the door springs open, so a quick close in a test stays closed.
    pulseMs: 80,
    debounceMs: 50,
    openTimeoutMs,
  });
  const payments = new TestPaymentProvider();
  const agent = new Agent({
    lockerId: LOCKER,
    hashKey: HASH_KEY,
    store,
    boards: [lockBoard],
    clock,
    log: pino({ level: 'silent' }),
    payments,
    doorTimings: { openTimeoutMs, maxAttempts: 2, leftOpenMs: 10 * 60_000 },
    tickMs: 100,
    ...(options.network ? { network: options.network } : {}),
    ...(options.paymentChannels ? { paymentChannels: options.paymentChannels } : {}),
    ...(options.receiptKeyPem ? { receiptKeyPem: options.receiptKeyPem } : {}),
  });
  const doorEvents: { cellId: string; door: string }[] = [];
  agent.subscribe((e) => {
    if (e.type === 'door') doorEvents.push({ cellId: e.cellId, door: e.door });
  });
  let version = 1;
  agent.sync.applySync(snapshot(clock.now()));
  agent.start();
  const kiosk = await startKiosk({
    agent,
    port: options.port ?? 0,
    idleMs: options.idleMs ?? 60_000,
  });
  return {
    agent,
    board,
    kiosk,
    payments,
    seedParcel(seed) {
      version++;
      const now = clock.now();
      const purpose = seed.purpose ?? 'pickup';
      agent.sync.applySync({
        lockerId: LOCKER,
        kind: 'delta',
        version,
        baseVersion: version - 1,
        issuedAt: now,
        parcels: seed.barcodes.map((barcode) => ({
          orderId: seed.orderId,
          tenantId: COURIER.tenantId,
          barcodeHash: hash('barcode', barcode),
          size: seed.size ?? 'S',
          refrigerated: false,
          storageHours: 72,
          ...(seed.amountDueKopecks ? { amountDueKopecks: seed.amountDueKopecks } : {}),
          validFrom: 0,
          validUntil: now + 30 * DAY,
          ...(seed.orderKind ? { orderKind: seed.orderKind } : {}),
        })),
        codes: seed.code
          ? [
              {
                orderId: seed.orderId,
                stepId: `${seed.orderId}-${purpose}`,
                purpose,
                codeHash: hash(`${purpose}-code`, seed.code),
                validFrom: 0,
                validUntil: now + 30 * DAY,
              },
            ]
          : [],
      });
    },
    closeDoor(cellId) {
      board.closeDoor(Number(cellId));
    },
    async doorSeen(cellId, door, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      // The last edge the agent reported for the cell is the state it believes.
      const last = () => doorEvents.findLast((e) => e.cellId === cellId)?.door;
      while (last() !== door) {
        if (Date.now() > deadline) throw new Error(`door ${cellId} not seen ${door}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await kiosk.close();
      agent.stop();
      await lockBoard.close();
      board.dispose();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
