/**
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF). A 256-entry table because the bus master
 * and the simulator compute it for every frame; the bitwise form lives in the tests as a check.
 */
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
    table[n] = crc;
  }
  return table;
}

/** CRC of `bytes[start, end)`. On the wire it goes low byte first. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  }
  return crc;
}

/** Returns a copy of `body` with its CRC appended (low byte first). */
export function withCrc(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(body.length + 2);
  frame.set(body, 0);
  const crc = crc16(body);
  frame[body.length] = crc & 0xff;
  frame[body.length + 1] = crc >>> 8;
  return frame;
}

/** True when the last two bytes of `frame` are the CRC of the rest. */
export function hasValidCrc(frame: Uint8Array): boolean {
  if (frame.length < 3) return false;
  const crc = crc16(frame, 0, frame.length - 2);
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}
