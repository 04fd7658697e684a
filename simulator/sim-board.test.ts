import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseFaultCommand } from './board-faults.ts';
import { SimBoard, type SimBoardEvent } from './sim-board.ts';
import { parseBoardSpec, SimBus } from './sim-bus.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function board(extra: Partial<ConstructorParameters<typeof SimBoard>[0]> = {}) {
  const b = new SimBoard({ address: 1, channels: 4, springDelayMs: 300, ...extra });
  const events: SimBoardEvent[] = [];
  b.subscribe((e) => events.push(e));
  return { b, events };
}

describe('door model', () => {
  it('springs open after the spring delay once the coil is on, and logs the opening', () => {
    const { b } = board();
    b.setCoil(2, true);
    vi.advanceTimersByTime(299);
    expect(b.isDoorOpen(2)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(b.isDoorOpen(2)).toBe(true);
    expect(b.door(2).reading()).toBe(true);
    expect(b.openings()).toEqual([{ address: 1, channel: 2, at: 1_000_300, cause: 'unlock' }]);
  });

  it('opens even when the pulse is shorter than the spring (the latch released)', () => {
    const { b } = board();
    b.setCoil(1, true);
    vi.advanceTimersByTime(100);
    b.setCoil(1, false);
    vi.advanceTimersByTime(300);
    expect(b.isDoorOpen(1)).toBe(true);
  });

  it('stays shut after a person closes it once the coil is off', () => {
    const { b } = board();
    b.setCoil(1, true);
    vi.advanceTimersByTime(500);
    b.setCoil(1, false);
    b.closeDoor(1);
    vi.advanceTimersByTime(10_000);
    expect(b.isDoorOpen(1)).toBe(false);
    expect(b.openings()).toHaveLength(1);
  });

  it('does not latch while the coil is held on: a closed door springs again', () => {
    const { b } = board();
    b.setCoil(1, true);
    vi.advanceTimersByTime(300);
    b.closeDoor(1);
    vi.advanceTimersByTime(300);
    expect(b.isDoorOpen(1)).toBe(true);
    expect(b.openings()).toHaveLength(2);
  });

  it('switches its own coil off on boards that time the pulse', () => {
    const { b } = board({ coilAutoOffMs: 500 });
    b.setCoil(3, true);
    vi.advanceTimersByTime(500);
    expect(b.door(3).coil).toBe(false);
    expect(b.isDoorOpen(3)).toBe(true);
  });

  it('logs forced openings with their cause', () => {
    const { b } = board();
    b.forceOpen(4);
    expect(b.openings()).toEqual([{ address: 1, channel: 4, at: 1_000_000, cause: 'forced' }]);
  });
});

describe('faults', () => {
  it('stuck lock: the coil switches, the door stays shut', () => {
    const { b } = board();
    b.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    b.setCoil(1, true);
    vi.advanceTimersByTime(5000);
    expect(b.door(1).coil).toBe(true);
    expect(b.isDoorOpen(1)).toBe(false);
  });

  it('broken sensor: always open while the door is shut, then healed', () => {
    const { b, events } = board();
    b.applyFault({ fault: 'broken-sensor', channel: 2, mode: 'always-open' });
    expect(b.door(2).reading()).toBe(true);
    expect(events).toContainEqual({ type: 'sensor', channel: 2, value: true, at: 1_000_000 });
    b.applyFault({ fault: 'broken-sensor', channel: 2, mode: 'ok' });
    expect(b.door(2).reading()).toBe(false);
  });

  it('broken sensor: flapping toggles the reading every flapMs', () => {
    const { b, events } = board({ flapMs: 70 });
    b.applyFault({ fault: 'broken-sensor', channel: 1, mode: 'flapping' });
    vi.advanceTimersByTime(70 * 4);
    const readings = events
      .filter((e) => e.type === 'sensor')
      .map((e) => e.type === 'sensor' && e.value);
    expect(readings).toEqual([true, false, true, false, true]);
    b.applyFault({ fault: 'broken-sensor', channel: 1, mode: 'ok' });
    const sensorEvents = () => events.filter((e) => e.type === 'sensor').length;
    const settled = sensorEvents();
    vi.advanceTimersByTime(1000);
    expect(sensorEvents()).toBe(settled);
  });

  it('reboot: coils off, silent for a while, then answering again', () => {
    const { b, events } = board();
    b.setCoil(1, true);
    b.holding[0] = 7;
    b.applyFault({ fault: 'reboot', silenceMs: 800 });
    expect(b.door(1).coil).toBe(false);
    expect(b.holding[0]).toBe(0);
    expect(b.answering()).toBe(false);
    vi.advanceTimersByTime(800);
    expect(b.answering()).toBe(true);
    expect(b.rebootCount).toBe(1);
    const answering = events.filter((e) => e.type === 'answering');
    expect(answering.map((e) => e.type === 'answering' && e.answering)).toEqual([false, true]);
  });

  it('no-answer and crc-corruption are switches', () => {
    const { b } = board();
    b.applyFault({ fault: 'no-answer', on: true });
    b.applyFault({ fault: 'crc-corruption', on: true });
    b.applyFault({ fault: 'slow-answer', ms: 250 });
    expect([b.answering(), b.corruptsCrc(), b.slowAnswerMs()]).toEqual([false, true, 250]);
    b.applyFault({ fault: 'no-answer', on: false });
    expect(b.answering()).toBe(true);
  });

  it.each([
    [{ fault: 'melt' }, 'fault'],
    [{ fault: 'no-answer', on: 'yes' }, 'on'],
    [{ fault: 'stuck-lock', channel: 0, on: true }, 'channel'],
    [{ fault: 'broken-sensor', channel: 1, mode: 'sometimes' }, 'mode'],
    [{ fault: 'slow-answer', ms: -1 }, 'ms'],
  ])('refuses a bad fault command %j naming %s', (input, field) => {
    expect(() => parseFaultCommand(input)).toThrow(
      expect.objectContaining({ code: 'bad-payload', details: { field } }),
    );
  });

  it('parses a reboot with the default silence', () => {
    expect(parseFaultCommand({ fault: 'reboot' })).toEqual({ fault: 'reboot', silenceMs: 1000 });
  });
});

describe('bus', () => {
  it('parses ADDR:CHANNELS and refuses nonsense', () => {
    expect(parseBoardSpec('2:16')).toEqual({ address: 2, channels: 16 });
    expect(() => parseBoardSpec('0:16')).toThrow(expect.objectContaining({ code: 'bad-config' }));
    expect(() => parseBoardSpec('x')).toThrow(expect.objectContaining({ code: 'bad-config' }));
  });

  it('merges the opening logs of every board in time order', () => {
    const bus = new SimBus(
      [
        { address: 1, channels: 2 },
        { address: 2, channels: 2 },
      ],
      {
        springDelayMs: 100,
      },
    );
    bus.board(2).setCoil(1, true);
    vi.advanceTimersByTime(50);
    bus.board(1).setCoil(2, true);
    vi.advanceTimersByTime(200);
    expect(bus.openings().map((o) => [o.address, o.channel])).toEqual([
      [2, 1],
      [1, 2],
    ]);
    expect(
      () =>
        new SimBus([
          { address: 1, channels: 1 },
          { address: 1, channels: 1 },
        ]),
    ).toThrow();
    bus.dispose();
  });
});
