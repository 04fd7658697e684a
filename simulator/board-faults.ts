import { PostamatError } from '../protocol/errors.ts';

/**
 * Faults a simulated board can be given at run time, as data: the in-process API and the
 * standalone simulator's control channel take the same objects.
 */
export type SensorFault = 'ok' | 'always-open' | 'always-closed' | 'flapping';

export type FaultCommand =
  /** The board stays silent on the bus (and is offline for the in-process LockBoard). */
  | { readonly fault: 'no-answer'; readonly on: boolean }
  /** Every answer goes out with a broken CRC. */
  | { readonly fault: 'crc-corruption'; readonly on: boolean }
  /** Answers are held back this long; 0 ends the fault. */
  | { readonly fault: 'slow-answer'; readonly ms: number }
  /** The coil switches but the latch does not release: the door stays shut. */
  | { readonly fault: 'stuck-lock'; readonly channel: number; readonly on: boolean }
  /** The door sensor lies: stuck at one value, or flapping every `flapMs`. */
  | { readonly fault: 'broken-sensor'; readonly channel: number; readonly mode: SensorFault }
  /** Power blip: coils off, silent for `silenceMs` (default 1000), then answering again. */
  | { readonly fault: 'reboot'; readonly silenceMs?: number };

const SENSOR_MODES: readonly SensorFault[] = ['ok', 'always-open', 'always-closed', 'flapping'];

/** Validates a fault command from outside (JSON); the message names the bad field and value. */
export function parseFaultCommand(input: unknown): FaultCommand {
  const value = (input ?? {}) as Record<string, unknown>;
  const bad = (field: string) =>
    new PostamatError('bad-payload', `fault ${field} is invalid: ${JSON.stringify(value[field])}`, {
      field,
    });
  const flag = () => {
    if (typeof value.on !== 'boolean') throw bad('on');
    return value.on;
  };
  const ms = (field: string, fallback?: number) => {
    const raw = value[field] ?? fallback;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) throw bad(field);
    return raw;
  };
  const channel = () => {
    if (!Number.isInteger(value.channel) || (value.channel as number) < 1) throw bad('channel');
    return value.channel as number;
  };
  switch (value.fault) {
    case 'no-answer':
    case 'crc-corruption':
      return { fault: value.fault, on: flag() };
    case 'slow-answer':
      return { fault: 'slow-answer', ms: ms('ms') };
    case 'stuck-lock':
      return { fault: 'stuck-lock', channel: channel(), on: flag() };
    case 'broken-sensor': {
      const mode = value.mode as SensorFault;
      if (!SENSOR_MODES.includes(mode)) throw bad('mode');
      return { fault: 'broken-sensor', channel: channel(), mode };
    }
    case 'reboot':
      return { fault: 'reboot', silenceMs: ms('silenceMs', 1000) };
    default:
      throw bad('fault');
  }
}
