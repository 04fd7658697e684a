import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../../../protocol/errors.ts';
import { BOARD_FAMILIES, boardProfile, checkChannel, flashValue } from './board-profile.ts';

describe('board profiles are data', () => {
  it('the generic relay board defaults: 16 channels, 500 ms pulse, 9600 8N1, no inversion', () => {
    const p = boardProfile('generic-relay');
    expect(p).toMatchObject({
      coilBase: 0,
      inputBase: 0,
      channels: 16,
      pulseMs: 500,
      invertInputs: false,
    });
    expect(p.serial).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(p.flash).toBeUndefined();
  });

  it('a board overrides its family without touching the table', () => {
    const p = boardProfile('generic-relay', {
      channels: 8,
      inputBase: 100,
      serial: { baudRate: 19200 },
    });
    expect(p).toMatchObject({ channels: 8, inputBase: 100 });
    expect(p.serial.baudRate).toBe(19200);
    expect(p.serial.parity).toBe('none');
    expect(BOARD_FAMILIES['generic-relay']?.channels).toBe(16);
  });

  it.each([
    ['family', () => boardProfile('no-such-board')],
    ['channels', () => boardProfile('generic-relay', { channels: 0 })],
    ['coilBase', () => boardProfile('generic-relay', { coilBase: 65530 })],
    ['pulseMs', () => boardProfile('generic-relay', { pulseMs: 5 })],
    ['serial.baudRate', () => boardProfile('generic-relay', { serial: { baudRate: 9601 } })],
  ])('rejects a bad %s with a bad-config error naming it', (field, make) => {
    try {
      make();
      expect.unreachable();
    } catch (error) {
      expect(isPostamatError(error, 'bad-config')).toBe(true);
      expect(String((error as Error).message)).toContain(
        field === 'family' ? 'no-such-board' : field,
      );
    }
  });

  it('flash boards get one register write: opcode in the high byte, pulse in units', () => {
    const flash = BOARD_FAMILIES['flash-relay']!.flash!;
    expect(flashValue(flash, 500)).toBe(0x0605);
    expect(flashValue(flash, 10)).toBe(0x0601);
    expect(flashValue(flash, 99_999)).toBe(0x06ff);
  });

  it('channels count from 1', () => {
    const p = boardProfile('generic-relay');
    expect(() => checkChannel(p, 1)).not.toThrow();
    expect(() => checkChannel(p, 16)).not.toThrow();
    expect(() => checkChannel(p, 0)).toThrow(/channel = 0/);
    expect(() => checkChannel(p, 17)).toThrow(/channel = 17/);
  });
});
