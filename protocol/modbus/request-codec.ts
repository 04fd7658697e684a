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
import { FC, isFunctionCode, LIMITS, type ModbusRequest } from './frames.ts';

/** Encodes a request into an RTU frame (unit, PDU, CRC). Invalid fields throw `bad-frame`. */
export function encodeRequest(request: ModbusRequest): Uint8Array {
  checkInt('unit', request.unit, 0, 247);
  switch (request.fc) {
    case FC.readCoils:
    case FC.readDiscreteInputs:
      checkBlock(request.address, request.quantity, LIMITS.readBits);
      return fixed(request.unit, request.fc, request.address, request.quantity);
    case FC.readHoldingRegisters:
    case FC.readInputRegisters:
      checkBlock(request.address, request.quantity, LIMITS.readRegisters);
      return fixed(request.unit, request.fc, request.address, request.quantity);
    case FC.writeSingleCoil:
      checkInt('address', request.address, 0, 0xffff);
      return fixed(request.unit, request.fc, request.address, request.value ? 0xff00 : 0x0000);
    case FC.writeSingleRegister:
      checkInt('address', request.address, 0, 0xffff);
      checkInt('value', request.value, 0, 0xffff);
      return fixed(request.unit, request.fc, request.address, request.value);
    case FC.writeMultipleCoils:
      checkBlock(request.address, request.values.length, LIMITS.writeCoils);
      return multiple(request, packBits(request.values), request.values.length);
    case FC.writeMultipleRegisters: {
      checkBlock(request.address, request.values.length, LIMITS.writeRegisters);
      const data = new Uint8Array(request.values.length * 2);
      request.values.forEach((value, i) => {
        checkInt(`values[${i}]`, value, 0, 0xffff);
        putU16(data, i * 2, value);
      });
      return multiple(request, data, request.values.length);
    }
  }
}

/** Unit, FC and two 16-bit words: FC 01–06 requests, FC 05/06/15/16 responses. */
export function fixed(unit: number, fc: number, first: number, second: number): Uint8Array {
  const body = new Uint8Array(6);
  body[0] = unit;
  body[1] = fc;
  putU16(body, 2, first);
  putU16(body, 4, second);
  return withCrc(body);
}

function multiple(
  request: { unit: number; fc: number; address: number },
  data: Uint8Array,
  quantity: number,
): Uint8Array {
  const body = new Uint8Array(7 + data.length);
  body[0] = request.unit;
  body[1] = request.fc;
  putU16(body, 2, request.address);
  putU16(body, 4, quantity);
  body[6] = data.length;
  body.set(data, 7);
  return withCrc(body);
}

/**
 * Decodes one complete request frame. Throws PostamatError: `truncated`, `crc`,
 * `illegal-function` (unknown FC; a slave answers exception 01) or `bad-frame` (a slave answers
 * exception 03). `details.unit` and `details.fc` are set whenever the CRC was good.
 */
export function decodeRequest(frame: Uint8Array): ModbusRequest {
  checkEnvelope(frame);
  const unit = frame[0]!;
  const fc = frame[1]!;
  try {
    return decodeRequestBody(frame, unit, fc);
  } catch (error) {
    if (error instanceof PostamatError) {
      throw new PostamatError(error.code, error.message, { ...error.details, unit, fc });
    }
    throw error;
  }
}

function decodeRequestBody(frame: Uint8Array, unit: number, fc: number): ModbusRequest {
  if (!isFunctionCode(fc)) {
    throw new PostamatError('illegal-function', `function code ${fc} is not supported`, {
      frame: hex(frame),
    });
  }
  if (fc === FC.writeMultipleCoils || fc === FC.writeMultipleRegisters) {
    return decodeMultiple(frame, unit, fc);
  }
  expectLength(frame, 8, `FC ${fc} request`);
  const address = u16(frame, 2);
  const word = u16(frame, 4);
  switch (fc) {
    case FC.readCoils:
    case FC.readDiscreteInputs:
      checkBlock(address, word, LIMITS.readBits);
      return { unit, fc, address, quantity: word };
    case FC.readHoldingRegisters:
    case FC.readInputRegisters:
      checkBlock(address, word, LIMITS.readRegisters);
      return { unit, fc, address, quantity: word };
    case FC.writeSingleCoil:
      if (word !== 0xff00 && word !== 0x0000) {
        throw badFrame(`coil value must be FF00 or 0000, got ${word.toString(16)}`, {
          field: 'value',
          value: word,
        });
      }
      return { unit, fc, address, value: word === 0xff00 };
    case FC.writeSingleRegister:
      return { unit, fc, address, value: word };
  }
}

function decodeMultiple(frame: Uint8Array, unit: number, fc: 0x0f | 0x10): ModbusRequest {
  if (frame.length < 9) expectLength(frame, 9, `FC ${fc} request`);
  const address = u16(frame, 2);
  const quantity = u16(frame, 4);
  const byteCount = frame[6]!;
  expectLength(frame, 9 + byteCount, `FC ${fc} request`);
  if (fc === FC.writeMultipleCoils) {
    checkBlock(address, quantity, LIMITS.writeCoils);
    checkInt('byteCount', byteCount, Math.ceil(quantity / 8), Math.ceil(quantity / 8));
    return { unit, fc, address, values: unpackBits(frame, 7, quantity) };
  }
  checkBlock(address, quantity, LIMITS.writeRegisters);
  checkInt('byteCount', byteCount, quantity * 2, quantity * 2);
  const values: number[] = [];
  for (let i = 0; i < quantity; i++) values.push(u16(frame, 7 + i * 2));
  return { unit, fc, address, values };
}
