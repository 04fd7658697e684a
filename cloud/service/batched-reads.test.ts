import { describe, expect, it } from 'vitest';
import { batchedRead } from './batched-reads.ts';

/** A store read that answers when told to, recording the keys of every read. */
function heldStore() {
  const reads: string[][] = [];
  const release: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    reads,
    maxInFlight: () => maxInFlight,
    releaseAll: () => {
      for (const r of release.splice(0)) r();
    },
    pending: () => release.length,
    readMany: async (keys: readonly string[]) => {
      reads.push([...keys]);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight -= 1;
      return new Map(keys.filter((k) => !k.startsWith('unknown')).map((k) => [k, `v:${k}`]));
    },
  };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setImmediate(r));
};

describe('batchedRead', () => {
  it('reads a key alone at once when nothing else is asked', async () => {
    const store = heldStore();
    const read = batchedRead(store.readMany);
    const one = read('a');
    await until(() => store.pending() === 1);
    store.releaseAll();
    expect(await one).toBe('v:a');
    expect(store.reads).toEqual([['a']]);
  });

  it('gathers what is asked while the reads in flight wait, and keeps within the limits', async () => {
    const store = heldStore();
    const read = batchedRead(store.readMany, { concurrency: 2, maxBatch: 3 });
    const first = ['a', 'b', 'c', 'd', 'e'].map(read);
    // Two reads in flight (3 keys and 2): the next keys wait for one of them to finish.
    await until(() => store.pending() === 2);
    const later = ['f', 'g', 'h', 'unknown-1'].map(read);
    await new Promise((r) => setImmediate(r));
    expect(store.reads).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    while (store.reads.length < 4 || store.pending() > 0) {
      store.releaseAll();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all([...first, ...later])).toEqual([
      'v:a',
      'v:b',
      'v:c',
      'v:d',
      'v:e',
      'v:f',
      'v:g',
      'v:h',
      undefined,
    ]);
    expect(store.reads.slice(2)).toEqual([['f', 'g', 'h'], ['unknown-1']]);
    expect(store.maxInFlight()).toBe(2);
  });

  it('rejects every key of a read that failed, and reads again afterwards', async () => {
    let fail = true;
    const read = batchedRead(async (keys) => {
      if (fail) throw new Error('database is locked');
      return new Map(keys.map((k) => [k, k.length]));
    });
    const failed = await Promise.allSettled(['a', 'bb'].map(read));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toContain('database is locked');
    fail = false;
    expect(await Promise.all(['a', 'bb'].map(read))).toEqual([1, 2]);
  });
});
