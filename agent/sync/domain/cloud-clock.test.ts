import { describe, expect, it } from 'vitest';
import { CloudClock } from './cloud-clock.ts';

function fakeClock(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('CloudClock', () => {
  it('knows nothing until it has seen a cloud timestamp', () => {
    const clock = new CloudClock(fakeClock(1_000));
    expect(clock.known()).toBe(false);
    expect(clock.now()).toBeUndefined();
  });

  it.each([
    ['locker two hours slow', -2 * 3_600_000],
    ['locker two hours fast', 2 * 3_600_000],
    ['locker right', 0],
  ])('reads cloud time whatever the locker clock says (%s)', (_name, lockerError) => {
    const cloudNow = 1_800_000_000_000;
    const local = fakeClock(cloudNow + lockerError);
    const clock = new CloudClock(local);
    clock.observe(cloudNow);
    local.advance(5_000);
    expect(clock.now()).toBe(cloudNow + 5_000);
    expect(clock.offset()).toBe(0 - lockerError);
  });

  it('keeps the freshest offset: a message that waited in a queue cannot pull cloud time back', () => {
    const local = fakeClock(50_000);
    const clock = new CloudClock(local);
    clock.observe(100_000); // a fresh ack
    clock.observe(40_000); // a sync message that sat in the session queue for a minute
    expect(clock.now()).toBe(100_000);
  });

  it('forgets the offset on reset, so a stepped clock cannot reuse a stale one', () => {
    const local = fakeClock(10_000);
    const clock = new CloudClock(local);
    clock.observe(20_000);
    clock.reset();
    expect(clock.known()).toBe(false);
    clock.observe(15_000);
    expect(clock.now()).toBe(15_000);
  });
});
