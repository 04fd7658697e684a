import { PostamatError } from '../../../protocol/errors.ts';
import { DEFAULT_SERIAL, type SerialSettings } from './rtu-timing.ts';

/**
 * How one family of lock boards maps channels to Modbus addresses. Data, not code: a second
 * board family is a new entry in BOARD_FAMILIES.
 */
export interface BoardProfile {
  readonly family: string;
  /** Coil of channel 1; channel k is coilBase + k − 1. */
  readonly coilBase: number;
  /** Discrete input of channel 1; channel k is inputBase + k − 1. */
  readonly inputBase: number;
  readonly channels: number;
  /** How long the coil stays on for one unlock. */
  readonly pulseMs: number;
  /** Boards that time the pulse themselves get one command instead of ON … OFF. */
  readonly flash?: FlashCommand;
  /** Sensor wired so that 1 = closed. */
  readonly invertInputs: boolean;
  readonly serial: SerialSettings;
}

/**
 * Write single register (FC06) `registerBase + k − 1` with `(opcode << 8) | units`, where
 * units = pulseMs / unitMs, clamped to 1..255 — the form used by the common 8/16-channel
 * "flash on" relay boards.
 */
export interface FlashCommand {
  readonly registerBase: number;
  readonly opcode: number;
  readonly unitMs: number;
}

export const BOARD_FAMILIES: Readonly<Record<string, BoardProfile>> = {
  /** Generic relay board with door inputs: coil k−1 drives lock k, input k−1 is door k. */
  'generic-relay': {
    family: 'generic-relay',
    coilBase: 0,
    inputBase: 0,
    channels: 16,
    pulseMs: 500,
    invertInputs: false,
    serial: DEFAULT_SERIAL,
  },
  /** Boards that pulse on their own: one FC06 write, the relay drops after `units` × 100 ms. */
  'flash-relay': {
    family: 'flash-relay',
    coilBase: 0,
    inputBase: 0,
    channels: 16,
    pulseMs: 500,
    flash: { registerBase: 1, opcode: 0x06, unitMs: 100 },
    invertInputs: false,
    serial: DEFAULT_SERIAL,
  },
};

export type ProfileOverrides = Partial<Omit<BoardProfile, 'serial'>> & {
  readonly serial?: Partial<SerialSettings>;
};

/** A family's profile with a board's own settings on top, checked once at start. */
export function boardProfile(family: string, overrides: ProfileOverrides = {}): BoardProfile {
  const base = BOARD_FAMILIES[family];
  if (!base) {
    throw new PostamatError('bad-config', `board family "${family}" is unknown`, { family });
  }
  const profile: BoardProfile = {
    ...base,
    ...overrides,
    serial: { ...base.serial, ...overrides.serial },
  };
  checkProfile(profile);
  return profile;
}

function checkProfile(p: BoardProfile): void {
  const bad = (field: string, value: unknown) => {
    throw new PostamatError('bad-config', `board profile: ${field} = ${String(value)} is invalid`, {
      field,
      value,
    });
  };
  if (!Number.isInteger(p.channels) || p.channels < 1 || p.channels > 2000)
    bad('channels', p.channels);
  if (!Number.isInteger(p.coilBase) || p.coilBase < 0 || p.coilBase + p.channels > 65536) {
    bad('coilBase', p.coilBase);
  }
  if (!Number.isInteger(p.inputBase) || p.inputBase < 0 || p.inputBase + p.channels > 65536) {
    bad('inputBase', p.inputBase);
  }
  if (!(p.pulseMs >= 50 && p.pulseMs <= 10_000)) bad('pulseMs', p.pulseMs);
  if (![1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(p.serial.baudRate)) {
    bad('serial.baudRate', p.serial.baudRate);
  }
}

/** The FC06 value that asks a flash board for a pulse of about pulseMs. */
export function flashValue(flash: FlashCommand, pulseMs: number): number {
  const units = Math.min(255, Math.max(1, Math.round(pulseMs / flash.unitMs)));
  return ((flash.opcode & 0xff) << 8) | units;
}

export function checkChannel(profile: BoardProfile, channel: number): void {
  if (!Number.isInteger(channel) || channel < 1 || channel > profile.channels) {
    throw new PostamatError(
      'bad-config',
      `channel = ${channel} is outside 1..${profile.channels}`,
      {
        field: 'channel',
        value: channel,
      },
    );
  }
}
