import { describe, expect, it } from 'vitest';
import { DoorDebounce } from './door-debounce.ts';

const o = true;
const c = false;

describe('DoorDebounce', () => {
  it('takes the first reading without an event', () => {
    const d = new DoorDebounce(2);
    expect(d.sample([o, c], 0)).toEqual([]);
    expect(d.doorStates()).toEqual(['open', 'closed']);
  });

  it.each([
    { name: 'a clean open', readings: [c, o, o], events: [{ channel: 1, state: 'open', at: 1 }] },
    { name: 'a single bounce', readings: [c, o, c, c], events: [] },
    { name: 'flapping', readings: [c, o, c, o, c, o, c], events: [] },
    {
      name: 'open then close',
      readings: [c, o, o, o, c, c],
      events: [
        { channel: 1, state: 'open', at: 1 },
        { channel: 1, state: 'closed', at: 4 },
      ],
    },
  ])('$name', ({ readings, events }) => {
    const d = new DoorDebounce(1, 2);
    const seen = readings.flatMap((open, at) => d.sample([open], at));
    expect(seen).toEqual(events);
  });

  it('stableSamples = 1 reports on the first changed reading', () => {
    const d = new DoorDebounce(1, 1);
    d.sample([c], 0);
    expect(d.sample([o], 5)).toEqual([{ channel: 1, state: 'open', at: 5 }]);
  });
});
