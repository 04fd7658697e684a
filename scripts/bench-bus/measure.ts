import {
  type SerialSettings,
  silentGapMs,
  transactionFloorMs,
} from '../../agent/drivers/bus/rtu-timing.ts';
import type { BusPeer } from './bus-peers.ts';

export const UNITS = [1, 2, 3, 4] as const;

export interface Figures {
  /** The fastest run: what the code does when the shared machine lets it. */
  readonly best: number;
  readonly median: number;
  readonly p95: number;
}

export interface PeerFigures {
  readonly peer: string;
  readonly unlock: Figures;
  readonly scan: Figures;
}

/** FC05 request and answer are 8 bytes each. */
export function unlockFloorMs(serial: SerialSettings): number {
  return transactionFloorMs(serial, 8, 8);
}

/** Four FC02 reads of 16 inputs (8-byte request, 7-byte answer), with t3.5 between them. */
export function scanFloorMs(serial: SerialSettings): number {
  return UNITS.length * transactionFloorMs(serial, 8, 7) + (UNITS.length - 1) * silentGapMs(serial);
}

export async function measurePeer(peer: BusPeer, runs: number): Promise<PeerFigures> {
  for (let i = 0; i < 3; i++) {
    await peer.unlock(1, 0);
    await peer.relock(1, 0);
    await peer.scan(UNITS);
  }
  const unlock: number[] = [];
  const scan: number[] = [];
  for (let i = 0; i < runs; i++) {
    const unit = UNITS[i % UNITS.length]!;
    const coil = i % 16;
    // An unlock arrives on an idle line: the silence the spec demands after the last frame has
    // passed, so both peers are timed from writing the request to the board's confirmation.
    await new Promise((resolve) => setTimeout(resolve, 10));
    unlock.push(await timed(() => peer.unlock(unit, coil)));
    await peer.relock(unit, coil);
    scan.push(await timed(() => peer.scan(UNITS)));
  }
  return { peer: peer.name, unlock: figures(unlock), scan: figures(scan) };
}

async function timed(operation: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { best: sorted[0]!, median: at(0.5), p95: at(0.95) };
}
