import {
  decodeResponse,
  encodeRequest,
  expectedFrameLength,
  FC,
  isException,
  type ModbusRequest,
} from '../../../protocol/modbus/index.ts';
import type { BusRequest, BusResponse, RtuCodec } from './rtu-codec-port.ts';

/** The bus master's codec port, served by protocol/modbus (the project's one RTU codec). */
export const protocolRtuCodec: RtuCodec = {
  encode: (request) => encodeRequest(toModbus(request)),
  functionCode: (request) => toModbus(request).fc,
  answerBytes: (request) =>
    request.fn === 'read-discrete-inputs' ? 5 + Math.ceil(request.quantity / 8) : 8,
  frameLength: (bytes) => {
    try {
      return expectedFrameLength(bytes, 'response');
    } catch {
      // An unknown function code cannot start our answer; the receiver skips the byte.
      return 2;
    }
  },
  decode: (request, frame) => {
    const response = decodeResponse(frame);
    if (isException(response)) return { kind: 'exception', exceptionCode: response.exception };
    if ('bits' in response) {
      const quantity = request.fn === 'read-discrete-inputs' ? request.quantity : 0;
      return { kind: 'bits', bits: response.bits.slice(0, quantity) };
    }
    return { kind: 'written' } satisfies BusResponse;
  },
};

function toModbus(request: BusRequest): ModbusRequest {
  switch (request.fn) {
    case 'read-discrete-inputs':
      return {
        unit: request.unit,
        fc: FC.readDiscreteInputs,
        address: request.address,
        quantity: request.quantity,
      };
    case 'write-single-coil':
      return {
        unit: request.unit,
        fc: FC.writeSingleCoil,
        address: request.address,
        value: request.on,
      };
    case 'write-single-register':
      return {
        unit: request.unit,
        fc: FC.writeSingleRegister,
        address: request.address,
        value: request.value,
      };
  }
}
