import { PostamatError } from '../errors.ts';
import { withCrc } from './crc16.ts';
import {
  badFrame,
  checkBlock,
  checkEnvelope,
  checkInt,
  expectLength,
  hex,
  packBits,
  putU16,
  u16,
  unpackBits,
} from './frame-bytes.ts';
import { FC, isFunctionCode, LIMITS, type ModbusResponse } from './frames.ts';
import { fixed } from './request-codec.ts';

/** Encodes a response (or an exception response) into an RTU frame. */
export function encodeResponse(response: ModbusResponse): Uint8Array {
  checkInt('unit', response.unit, 0, 247);
  if ('exception' in response) {
    checkInt('fc', response.fc, 1, 0x7f);
    checkInt('exception', response.exception, 1, 0xff);
    return withCrc(Uint8Array.of(response.unit, response.fc | 0x80, response.exception));
  }
  switch (response.fc) {
    case FC.readCoils:
    case FC.readDiscreteInputs:
      checkInt('bits.length', response.bits.length, 1, LIMITS.readBits);
      return counted(response.unit, response.fc, packBits(response.bits));
    case FC.readHoldingRegisters:
    case FC.readInputRegisters: {
      checkInt('registers.length', response.registers.length, 1, LIMITS.readRegisters);
      const data = new Uint8Array(response.registers.length * 2);
      response.registers.forEach((value, i) => {
        checkInt(`registers[${i}]`, value, 0, 0xffff);
        putU16(data, i * 2, value);
      });
      return counted(response.unit, response.fc, data);
    }
    case FC.writeSingleCoil:
      checkInt('address', response.address, 0, 0xffff);
      return fixed(response.unit, response.fc, response.address, response.value ? 0xff00 : 0);
    case FC.writeSingleRegister:
      checkInt('address', response.address, 0, 0xffff);
      checkInt('value', response.value, 0, 0xffff);
      return fixed(response.unit, response.fc, response.address, response.value);
    case FC.writeMultipleCoils:
    case FC.writeMultipleRegisters: {
      const max = response.fc === FC.writeMultipleCoils ? LIMITS.writeCoils : LIMITS.writeRegisters;
      checkBlock(response.address, response.quantity, max);
      return fixed(response.unit, response.fc, response.address, response.quantity);
    }
  }
}

function counted(unit: number, fc: number, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body[0] = unit;
  body[1] = fc;
  body[2] = data.length;
  body.set(data, 3);
  return withCrc(body);
}

/**
 * Decodes one complete response frame. Throws PostamatError `truncated`, `crc`,
 * `illegal-function` (a function code this codec does not know) or `bad-frame`.
 */
export function decodeResponse(frame: Uint8Array): ModbusResponse {
  checkEnvelope(frame);
  const unit = frame[0]!;
  const code = frame[1]!;
  if (code & 0x80) {
    expectLength(frame, 5, 'exception response');
    return { unit, fc: code & 0x7f, exception: frame[2]! };
  }
  if (!isFunctionCode(code)) {
    throw new PostamatError('illegal-function', `function code ${code} is not supported`, {
      frame: hex(frame),
      unit,
      fc: code,
    });
  }
  switch (code) {
    case FC.readCoils:
    case FC.readDiscreteInputs: {
      const byteCount = readByteCount(frame, 1, LIMITS.readBits / 8);
      return { unit, fc: code, bits: unpackBits(frame, 3, byteCount * 8) };
    }
    case FC.readHoldingRegisters:
    case FC.readInputRegisters: {
      const byteCount = readByteCount(frame, 2, LIMITS.readRegisters * 2);
      if (byteCount % 2 !== 0) throw badFrame(`odd register byte count ${byteCount}`);
      const registers: number[] = [];
      for (let i = 0; i < byteCount / 2; i++) registers.push(u16(frame, 3 + i * 2));
      return { unit, fc: code, registers };
    }
    default:
      return decodeFixedResponse(frame, unit, code);
  }
}

function readByteCount(frame: Uint8Array, min: number, max: number): number {
  const byteCount = frame[2]!;
  expectLength(frame, 5 + byteCount, `FC ${frame[1]} response`);
  checkInt('byteCount', byteCount, min, max);
  return byteCount;
}

function decodeFixedResponse(
  frame: Uint8Array,
  unit: number,
  code: 0x05 | 0x06 | 0x0f | 0x10,
): ModbusResponse {
  expectLength(frame, 8, `FC ${code} response`);
  const address = u16(frame, 2);
  const word = u16(frame, 4);
  switch (code) {
    case FC.writeSingleCoil:
      if (word !== 0xff00 && word !== 0) throw badFrame(`coil value ${word.toString(16)}`);
      return { unit, fc: code, address, value: word === 0xff00 };
    case FC.writeSingleRegister:
      return { unit, fc: code, address, value: word };
    case FC.writeMultipleCoils:
      checkBlock(address, word, LIMITS.writeCoils);
      return { unit, fc: code, address, quantity: word };
    case FC.writeMultipleRegisters:
      checkBlock(address, word, LIMITS.writeRegisters);
      return { unit, fc: code, address, quantity: word };
  }
}
