import { expect, it } from 'vitest';
import { BusQueue } from './bus-queue.ts';

it('urgent work goes before polling, each in arrival order', () => {
  const q = new BusQueue<string>();
  q.push('poll', 'p1');
  q.push('poll', 'p2');
  q.push('urgent', 'u1');
  q.push('urgent', 'u2');
  expect(q.size()).toBe(4);
  expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([
    'u1',
    'u2',
    'p1',
    'p2',
    undefined,
  ]);
});
