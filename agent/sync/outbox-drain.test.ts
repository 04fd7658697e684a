import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../protocol/index.ts';
import { OutboxDrain } from './outbox-drain.ts';
import { InMemoryOutbox } from './test-support/in-memory-agent-ports.ts';

function rig(batchSize: number, maxInFlightEvents: number) {
  const outbox = new InMemoryOutbox('L1', { now: () => 1_000 });
  const drain = new OutboxDrain(outbox, 'L1', { batchSize, maxInFlightEvents });
  const sent: number[][] = [];
  const start = () =>
    drain.start((payload) => sent.push(decodePayload('events', payload).events.map((e) => e.seq)));
  return { outbox, drain, sent, start };
}

describe('OutboxDrain', () => {
  it('sends oldest first in batches, no further than the window', () => {
    const { outbox, sent, start } = rig(3, 7);
    outbox.appendMany(20, 'door.opened');
    start();
    expect(sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('marks delivered only what the ack says is committed, and the window moves on', () => {
    const { outbox, drain, sent, start } = rig(3, 6);
    outbox.appendMany(10, 'door.opened');
    start();
    drain.onAck({ lockerId: 'L1', committedSeq: 3 });
    expect(outbox.deliveredSeq()).toBe(3);
    expect(sent.at(-1)).toEqual([7, 8, 9]);
    drain.onAck({ lockerId: 'L1', committedSeq: 2 }); // a late, older ack changes nothing
    expect(outbox.deliveredSeq()).toBe(3);
  });

  it('ignores and counts an ack past the last event written, so later events are not lost', () => {
    const { outbox, drain, sent, start } = rig(10, 100);
    outbox.appendMany(3, 'door.opened');
    start();
    drain.onAck({ lockerId: 'L1', committedSeq: 50 });
    expect(outbox.deliveredSeq()).toBe(0);
    expect(drain.counters.impossibleAcks).toBe(1);
    outbox.appendMany(2, 'door.closed');
    drain.onAck({ lockerId: 'L1', committedSeq: 3 });
    expect(outbox.deliveredSeq()).toBe(3);
    expect(sent.flat()).toEqual([1, 2, 3, 4, 5]);
  });

  it('rewinds to the committed seq on a resend request and after an ack timeout', () => {
    const { outbox, drain, sent, start } = rig(4, 100);
    outbox.appendMany(8, 'door.opened');
    start();
    drain.onAck({ lockerId: 'L1', committedSeq: 2, resend: true });
    expect(sent.slice(2)).toEqual([
      [3, 4, 5, 6],
      [7, 8],
    ]);
    drain.rewind();
    expect(sent.slice(4)).toEqual([
      [3, 4, 5, 6],
      [7, 8],
    ]);
    expect(drain.counters.resends).toBe(1);
  });

  it('resends everything unacknowledged after a reconnect', () => {
    const { outbox, drain, sent, start } = rig(5, 100);
    outbox.appendMany(10, 'door.opened');
    start();
    drain.onAck({ lockerId: 'L1', committedSeq: 5 });
    drain.stop();
    outbox.append('door.closed');
    drain.pump(); // disconnected: nothing goes out
    expect(sent).toHaveLength(2);
    start();
    expect(sent.slice(2)).toEqual([[6, 7, 8, 9, 10], [11]]);
  });

  it('halves a batch that would exceed the payload limit, and stops at an event that never fits', () => {
    const { outbox, drain, sent, start } = rig(10, 100);
    outbox.append('big', { blob: 'x'.repeat(400_000) });
    outbox.append('big', { blob: 'x'.repeat(400_000) });
    outbox.append('big', { blob: 'x'.repeat(400_000) });
    outbox.append('huge', { blob: 'x'.repeat(1_100_000) });
    outbox.append('small');
    start();
    expect(sent).toEqual([[1, 2], [3]]);
    expect(drain.counters.oversizedEvents).toBe(1);
  });
});
