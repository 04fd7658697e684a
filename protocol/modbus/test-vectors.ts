import type { ModbusRequest, ModbusResponse } from './frames.ts';

/**
 * Frames from the Modbus specification (V1.1b3 examples, slave 0x11) and from captures of
 * common masters. Every CRC was computed by a bitwise implementation and is checked again in the
 * tests against modbus-serial's CRC; none was typed in by hand.
 */
export const REQUEST_VECTORS: readonly { name: string; hex: string; frame: ModbusRequest }[] = [
  {
    name: 'FC01 read 16 coils from 0, slave 1',
    hex: '01 01 00 00 00 10 3d c6',
    frame: { unit: 1, fc: 1, address: 0, quantity: 16 },
  },
  {
    name: 'FC02 read 16 discrete inputs from 0, slave 1',
    hex: '01 02 00 00 00 10 79 c6',
    frame: { unit: 1, fc: 2, address: 0, quantity: 16 },
  },
  {
    name: 'FC03 read 10 holding registers from 0, slave 1',
    hex: '01 03 00 00 00 0a c5 cd',
    frame: { unit: 1, fc: 3, address: 0, quantity: 10 },
  },
  {
    name: 'FC03 spec example: registers 108-110 of slave 17',
    hex: '11 03 00 6b 00 03 76 87',
    frame: { unit: 17, fc: 3, address: 0x6b, quantity: 3 },
  },
  {
    name: 'FC04 read 1 input register from 0, slave 1',
    hex: '01 04 00 00 00 01 31 ca',
    frame: { unit: 1, fc: 4, address: 0, quantity: 1 },
  },
  {
    name: 'FC05 write coil 0 ON, slave 1',
    hex: '01 05 00 00 ff 00 8c 3a',
    frame: { unit: 1, fc: 5, address: 0, value: true },
  },
  {
    name: 'FC05 write coil 0 OFF, slave 1',
    hex: '01 05 00 00 00 00 cd ca',
    frame: { unit: 1, fc: 5, address: 0, value: false },
  },
  {
    name: 'FC05 spec example: coil 173 ON, slave 17',
    hex: '11 05 00 ac ff 00 4e 8b',
    frame: { unit: 17, fc: 5, address: 0xac, value: true },
  },
  {
    name: 'FC06 write register 1 = 3, slave 1',
    hex: '01 06 00 01 00 03 98 0b',
    frame: { unit: 1, fc: 6, address: 1, value: 3 },
  },
  {
    name: 'FC15 spec example: 10 coils from 20, slave 17',
    hex: '11 0f 00 13 00 0a 02 cd 01 bf 0b',
    frame: {
      unit: 17,
      fc: 15,
      address: 0x13,
      values: [true, false, true, true, false, false, true, true, true, false],
    },
  },
  {
    name: 'FC16 spec example: registers 2-3 = 000A 0102, slave 17',
    hex: '11 10 00 01 00 02 04 00 0a 01 02 c6 f0',
    frame: { unit: 17, fc: 16, address: 1, values: [0x000a, 0x0102] },
  },
];

const bits = (byte: number) => Array.from({ length: 8 }, (_, i) => ((byte >> i) & 1) === 1);

export const RESPONSE_VECTORS: readonly { name: string; hex: string; frame: ModbusResponse }[] = [
  {
    name: 'FC01 spec example: coils 20-56 of slave 17',
    hex: '11 01 05 cd 6b b2 0e 1b 45 e6',
    frame: { unit: 17, fc: 1, bits: [0xcd, 0x6b, 0xb2, 0x0e, 0x1b].flatMap(bits) },
  },
  {
    name: 'FC02 spec example: inputs 197-218 of slave 17',
    hex: '11 02 03 ac db 35 20 18',
    frame: { unit: 17, fc: 2, bits: [0xac, 0xdb, 0x35].flatMap(bits) },
  },
  {
    name: 'FC03 spec example: registers 108-110 of slave 17',
    hex: '11 03 06 02 2b 00 00 00 64 c8 ba',
    frame: { unit: 17, fc: 3, registers: [0x022b, 0, 0x64] },
  },
  {
    name: 'FC04 spec example: input register 9 of slave 17',
    hex: '11 04 02 00 0a f8 f4',
    frame: { unit: 17, fc: 4, registers: [10] },
  },
  {
    name: 'FC05 echo: coil 173 ON, slave 17',
    hex: '11 05 00 ac ff 00 4e 8b',
    frame: { unit: 17, fc: 5, address: 0xac, value: true },
  },
  {
    name: 'FC06 echo: register 2 = 3, slave 17',
    hex: '11 06 00 01 00 03 9a 9b',
    frame: { unit: 17, fc: 6, address: 1, value: 3 },
  },
  {
    name: 'FC15 spec example: 10 coils written from 20',
    hex: '11 0f 00 13 00 0a 26 99',
    frame: { unit: 17, fc: 15, address: 0x13, quantity: 10 },
  },
  {
    name: 'FC16 spec example: 2 registers written from 2',
    hex: '11 10 00 01 00 02 12 98',
    frame: { unit: 17, fc: 16, address: 1, quantity: 2 },
  },
  {
    name: 'exception: illegal data address on FC03, slave 1',
    hex: '01 83 02 c0 f1',
    frame: { unit: 1, fc: 3, exception: 2 },
  },
  {
    name: 'exception: spec example, illegal data address on FC01, slave 10',
    hex: '0a 81 02 b0 53',
    frame: { unit: 10, fc: 1, exception: 2 },
  },
];

export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.split(' '), (byte) => Number.parseInt(byte, 16));
}
