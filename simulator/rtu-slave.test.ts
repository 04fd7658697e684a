import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  decodeResponse,
  encodeRequest,
  type ModbusRequest,
  withCrc,
} from '../protocol/modbus/index.ts';
import { RtuSlave } from './rtu-slave.ts';
import { SimBus } from './sim-bus.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(options: { emulateBaud?: boolean } = {}) {
  const bus = new SimBus(
    [
      { address: 1, channels: 16 },
      { address: 2, channels: 8 },
    ],
    { springDelayMs: 300 },
  );
  const sent: Uint8Array[] = [];
  const slave = new RtuSlave({
    boards: bus.boards(),
    write: (frame) => sent.push(frame),
    timing: { baud: 9600, bitsPerChar: 10 },
    ...options,
  });
  const ask = (request: ModbusRequest) => slave.receive(encodeRequest(request));
  const last = () => decodeResponse(sent.at(-1)!);
  return { bus, slave, sent, ask, last };
}

const hex = (text: string) => Uint8Array.from(text.split(' '), (b) => Number.parseInt(b, 16));

describe('RTU slave', () => {
  it('answers the spec capture "read 16 inputs of slave 1" and sees a door spring open', () => {
    const { bus, slave, sent, last } = setup();
    slave.receive(hex('01 02 00 00 00 10 79 c6'));
    expect(sent[0]).toEqual(withCrc(hex('01 02 02 00 00')));
    slave.receive(hex('01 05 00 00 ff 00 8c 3a'));
    expect(sent[1]).toEqual(hex('01 05 00 00 ff 00 8c 3a'));
    vi.advanceTimersByTime(300);
    expect(bus.board(1).isDoorOpen(1)).toBe(true);
    slave.receive(hex('01 02 00 00 00 10 79 c6'));
    expect(last()).toEqual({ unit: 1, fc: 2, bits: [true, ...Array(15).fill(false)] });
  });

  it('serves each board at its own address and ignores frames for others', () => {
    const { slave, sent, ask, last } = setup();
    ask({ unit: 2, fc: 1, address: 0, quantity: 8 });
    expect(last()).toMatchObject({ unit: 2, fc: 1 });
    ask({ unit: 9, fc: 1, address: 0, quantity: 8 });
    expect(sent).toHaveLength(1);
    expect(slave.stats.snapshot()).toMatchObject({ framesReceived: 2, framesForOthers: 1 });
  });

  it('finds a frame behind noise and across split chunks', () => {
    const { slave, sent, last } = setup();
    const frame = encodeRequest({ unit: 1, fc: 2, address: 0, quantity: 16 });
    slave.receive(Uint8Array.of(0x00, 0xff));
    slave.receive(frame.subarray(0, 3));
    slave.receive(frame.subarray(3));
    expect(sent).toHaveLength(1);
    expect(last()).toMatchObject({ unit: 1, fc: 2 });
    expect(slave.stats.discardedBytes).toBe(2);
  });

  it('counts a bad CRC, answers nothing for it, then serves the next frame', () => {
    const { slave, sent, ask } = setup();
    slave.receive(hex('01 05 00 00 ff 00 8c 3b'));
    vi.advanceTimersByTime(10);
    expect(sent).toHaveLength(0);
    expect(slave.stats.crcErrors).toBe(1);
    ask({ unit: 1, fc: 1, address: 0, quantity: 1 });
    expect(sent).toHaveLength(1);
  });

  it('drops a partial frame after the silent gap', () => {
    const { slave, sent, ask } = setup();
    slave.receive(hex('01 0f 00 00'));
    vi.advanceTimersByTime(10);
    expect(slave.stats.partialFrames).toBe(1);
    ask({ unit: 1, fc: 1, address: 0, quantity: 1 });
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['unknown function', withCrc(hex('01 2b 0e 01 00')), { unit: 1, fc: 0x2b, exception: 1 }],
    [
      'address past the channels',
      encodeRequest({ unit: 2, fc: 1, address: 8, quantity: 1 }),
      { unit: 2, fc: 1, exception: 2 },
    ],
    ['bad coil value', withCrc(hex('01 05 00 00 12 34')), { unit: 1, fc: 5, exception: 3 }],
    [
      'input registers past the end',
      encodeRequest({ unit: 1, fc: 4, address: 1, quantity: 2 }),
      { unit: 1, fc: 4, exception: 2 },
    ],
  ])('answers an exception for %s', (_, frame, expected) => {
    const { slave, last } = setup();
    slave.receive(frame);
    vi.advanceTimersByTime(10);
    expect(last()).toEqual(expected);
    expect(slave.stats.board(expected.unit).exceptions).toBe(1);
  });

  it('reads and writes holding registers and reads the input registers', () => {
    const { ask, last } = setup();
    ask({ unit: 1, fc: 16, address: 2, values: [7, 8] });
    expect(last()).toEqual({ unit: 1, fc: 16, address: 2, quantity: 2 });
    ask({ unit: 1, fc: 6, address: 4, value: 9 });
    ask({ unit: 1, fc: 3, address: 2, quantity: 3 });
    expect(last()).toEqual({ unit: 1, fc: 3, registers: [7, 8, 9] });
    ask({ unit: 1, fc: 4, address: 0, quantity: 2 });
    expect(last()).toEqual({ unit: 1, fc: 4, registers: [16, 0] });
  });

  it('writes several coils with FC15 and applies broadcasts without answering', () => {
    const { bus, sent, ask } = setup();
    ask({ unit: 1, fc: 15, address: 0, values: [false, true, true] });
    expect(bus.board(1).door(3).coil).toBe(true);
    ask({ unit: 0, fc: 5, address: 2, value: false });
    expect(sent).toHaveLength(1);
    expect(bus.board(1).door(3).coil).toBe(false);
  });

  it('stays silent with no-answer and while rebooting, other boards keep answering', () => {
    const { bus, slave, sent, ask } = setup();
    bus.board(1).applyFault({ fault: 'no-answer', on: true });
    bus.board(2).applyFault({ fault: 'reboot', silenceMs: 500 });
    ask({ unit: 1, fc: 2, address: 0, quantity: 1 });
    ask({ unit: 2, fc: 2, address: 0, quantity: 1 });
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(500);
    ask({ unit: 2, fc: 2, address: 0, quantity: 1 });
    expect(sent).toHaveLength(1);
    expect(slave.stats.board(1).unanswered).toBe(1);
  });

  it('corrupts the CRC of answers when told to', () => {
    const { bus, sent, ask } = setup();
    bus.board(1).applyFault({ fault: 'crc-corruption', on: true });
    ask({ unit: 1, fc: 2, address: 0, quantity: 1 });
    expect(() => decodeResponse(sent[0]!)).toThrow(expect.objectContaining({ code: 'crc' }));
  });

  it('holds answers back for a slow board and for the wire time at the baud', () => {
    const { bus, sent, ask } = setup({ emulateBaud: true });
    bus.board(1).applyFault({ fault: 'slow-answer', ms: 100 });
    ask({ unit: 1, fc: 5, address: 0, value: true });
    // 8 + 3.5 + 8 characters of 10 bits at 9600 baud = 20.3 ms (rounded up), plus the fault's 100 ms.
    vi.advanceTimersByTime(120);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(1);
  });
});
