import { getHeapStatistics } from 'node:v8';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COMPACTION, HeapCompactor, shouldCompact } from './heap-compactor.ts';

const MB = 1024 * 1024;

describe('shouldCompact', () => {
  it('compacts a heap that grew well past the last compaction, once the loop is calm', () => {
    expect(
      shouldCompact({ rss: 300 * MB, committed: 250 * MB, used: 200 * MB }, 150 * MB, 0.1),
    ).toBe(true);
  });

  it('compacts when the process grew though V8 had already shrunk its heap on its own', () => {
    // Seen after a 10,000-locker storm: heap committed 161 MB, resident 403 MB.
    expect(
      shouldCompact({ rss: 403 * MB, committed: 161 * MB, used: 153 * MB }, 114 * MB, 0.1),
    ).toBe(true);
  });

  it('waits while the event loop is busy (the storm is still on)', () => {
    expect(
      shouldCompact({ rss: 300 * MB, committed: 250 * MB, used: 200 * MB }, 150 * MB, 0.9),
    ).toBe(false);
  });

  it('leaves small growth alone, in bytes and in share', () => {
    expect(shouldCompact({ rss: 60 * MB, committed: 55 * MB, used: 50 * MB }, 40 * MB, 0)).toBe(
      false,
    );
    expect(
      shouldCompact({ rss: 1_100 * MB, committed: 1_000 * MB, used: 900 * MB }, 1_000 * MB, 0),
    ).toBe(false);
  });
});

/** Old-space pages a quarter live: what a connect storm leaves (long-lived objects among dead). */
function fragmentHeap(): void {
  const all: unknown[] = [];
  for (let i = 0; i < 1_500_000; i++) all.push({ i, text: `x${i}`, list: [i] });
  (globalThis as { kept?: unknown[] }).kept = all.filter((_, i) => i % 4 === 0);
}

afterEach(() => {
  delete (globalThis as { kept?: unknown[] }).kept;
});

describe('HeapCompactor on this process', () => {
  it('gives back the fragmented old space and keeps every live object', async () => {
    fragmentHeap();
    const registry = new Registry();
    const compactor = new HeapCompactor({ logger: pino({ level: 'silent' }), registry });
    const before = getHeapStatistics();
    const after = await compactor.compact();
    const live = (globalThis as { kept?: unknown[] }).kept;
    expect(live).toHaveLength(375_000);
    expect(after.committed).toBeLessThan(before.total_heap_size - 20 * MB);
    expect(after.committed).toBeLessThan(after.used * 1.5);
    expect(await registry.getSingleMetricAsString('postamat_heap_compactions_total')).toContain(
      'postamat_heap_compactions_total 1',
    );
  });

  it('compacts on its own after the heap grew, but not while the loop is busy', async () => {
    let heap = { rss: 140 * MB, committed: 100 * MB, used: 80 * MB };
    let busy = 0.9;
    let clock = 0;
    const compactor = new HeapCompactor({
      logger: pino({ level: 'silent' }),
      read: () => heap,
      utilization: () => busy,
      now: () => clock,
    });
    heap = { rss: 450 * MB, committed: 400 * MB, used: 300 * MB };
    // The storm is still on: the event loop is busy.
    expect(await compactor.check()).toBe(false);
    busy = 0.1;
    expect(await compactor.check()).toBe(true);
    // The result is the new baseline: no compaction again without new growth…
    heap = { rss: 460 * MB, committed: 410 * MB, used: 300 * MB };
    clock += DEFAULT_COMPACTION.minIntervalMs + 10_000;
    expect(await compactor.check()).toBe(false);
    // …and new growth waits out the interval between two compactions.
    await compactor.compact();
    heap = { rss: 850 * MB, committed: 800 * MB, used: 600 * MB };
    clock += DEFAULT_COMPACTION.minIntervalMs / 2;
    expect(await compactor.check()).toBe(false);
    clock += DEFAULT_COMPACTION.minIntervalMs / 2 + 1;
    expect(await compactor.check()).toBe(true);
  });
});
