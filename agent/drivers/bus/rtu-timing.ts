/**
 * Wire timing of Modbus RTU (Modbus over Serial Line v1.02, 2.5.1.1): a frame is delimited by a
 * silence of at least 3.5 character times; above 19200 baud the spec fixes it at 1.75 ms.
 */

export type Parity = 'none' | 'even' | 'odd';

export interface SerialSettings {
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: Parity;
  readonly stopBits: 1 | 2;
}

export const DEFAULT_SERIAL: SerialSettings = {
  baudRate: 9600,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
};

/** Start bit + data bits + parity bit (if any) + stop bits. */
export function bitsPerChar(serial: SerialSettings): number {
  return 1 + serial.dataBits + (serial.parity === 'none' ? 0 : 1) + serial.stopBits;
}

export function charTimeMs(serial: SerialSettings): number {
  return (bitsPerChar(serial) * 1000) / serial.baudRate;
}

export function frameTimeMs(serial: SerialSettings, bytes: number): number {
  return bytes * charTimeMs(serial);
}

/** The silence that must separate two frames on the line (t3.5). */
export function silentGapMs(serial: SerialSettings): number {
  return serial.baudRate > 19_200 ? 1.75 : 3.5 * charTimeMs(serial);
}

/**
 * Default response timeout: the request's and the answer's wire time plus 100 ms for the board
 * to think (cheap boards answer in 5–50 ms; a gateway adds a network hop).
 */
export function defaultResponseTimeoutMs(
  serial: SerialSettings,
  requestBytes: number,
  responseBytes: number,
): number {
  return Math.ceil(frameTimeMs(serial, requestBytes + responseBytes) + 100);
}

/**
 * The least time one transaction can take on this line: the request on the wire, the silence a
 * slave needs to see the request ended, and the answer on the wire. A run of transactions adds
 * one more silence between each answer and the next request. Benchmarks compare against this.
 */
export function transactionFloorMs(
  serial: SerialSettings,
  requestBytes: number,
  responseBytes: number,
): number {
  return frameTimeMs(serial, requestBytes + responseBytes) + silentGapMs(serial);
}
