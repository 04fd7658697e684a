import { describe, expect, it } from 'vitest';
import { batchedRead } from '../service/batched-reads.ts';
import { type LiveEvent, LiveEventHub } from './event-hub.ts';

describe('LiveEventHub', () => {
  it('looks up the operators of a storm of lockers together and publishes in order', async () => {
    const reads: string[][] = [];
    const operatorOf = batchedRead(async (ids) => {
      reads.push([...ids]);
      if (ids.includes('BAD')) throw new Error('store down');
      return new Map(ids.map((id) => [id, `op-${id.slice(0, 1)}`]));
    });
    const hub = new LiveEventHub(operatorOf);
    const seen: LiveEvent[] = [];
    hub.subscribe((e) => seen.push(e));
    const lockers = Array.from({ length: 100 }, (_, i) => `${i % 2 === 0 ? 'A' : 'B'}${i}`);
    await Promise.all(
      lockers.map((lockerId) =>
        hub.publish({ type: 'locker.online', at: 1, lockerId, data: { lockerId } }),
      ),
    );
    // One read for the hundred, not a hundred reads one after another.
    expect(reads).toHaveLength(1);
    expect(seen.map((e) => e.lockerId)).toEqual(lockers);
    expect(seen.map((e) => e.id)).toEqual(lockers.map((_, i) => i + 1));
    expect(seen[1]?.operatorId).toBe('op-B');
    // Known operators are not read again; a failed look-up drops that event alone.
    await Promise.all([
      hub.publish({ type: 'door', at: 2, lockerId: 'A0', data: {} }),
      hub.publish({ type: 'door', at: 2, lockerId: 'BAD', data: {} }),
      hub.publish({ type: 'door', at: 2, lockerId: null, data: {} }),
    ]);
    expect(reads).toEqual([lockers, ['BAD']]);
    expect(seen.slice(100).map((e) => [e.lockerId, e.operatorId])).toEqual([
      ['A0', 'op-A'],
      [null, null],
    ]);
  });
});
