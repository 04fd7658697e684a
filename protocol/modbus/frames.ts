/**
 * Modbus RTU application data units, as plain data. Addresses are the 0-based protocol addresses
 * (coil 0 is "coil 1" in some manuals); units are slave addresses, 0 = broadcast.
 */

export const FC = {
  readCoils: 0x01,
  readDiscreteInputs: 0x02,
  readHoldingRegisters: 0x03,
  readInputRegisters: 0x04,
  writeSingleCoil: 0x05,
  writeSingleRegister: 0x06,
  writeMultipleCoils: 0x0f,
  writeMultipleRegisters: 0x10,
} as const;

export type FunctionCode = (typeof FC)[keyof typeof FC];
export type ReadBitsFc = 0x01 | 0x02;
export type ReadRegistersFc = 0x03 | 0x04;

export const FUNCTION_CODES: readonly FunctionCode[] = Object.values(FC);

export function isFunctionCode(value: number): value is FunctionCode {
  return (FUNCTION_CODES as readonly number[]).includes(value);
}

/** Quantity limits of the specification (V1.1b3, section 6); a frame must fit 256 bytes. */
export const LIMITS = {
  readBits: 2000,
  readRegisters: 125,
  writeCoils: 1968,
  writeRegisters: 123,
} as const;

export const EXCEPTION = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  acknowledge: 0x05,
  serverDeviceBusy: 0x06,
  gatewayPathUnavailable: 0x0a,
  gatewayTargetFailedToRespond: 0x0b,
} as const;

export interface ReadRequest {
  readonly unit: number;
  readonly fc: ReadBitsFc | ReadRegistersFc;
  readonly address: number;
  readonly quantity: number;
}
export interface WriteSingleCoilRequest {
  readonly unit: number;
  readonly fc: 0x05;
  readonly address: number;
  readonly value: boolean;
}
export interface WriteSingleRegisterRequest {
  readonly unit: number;
  readonly fc: 0x06;
  readonly address: number;
  readonly value: number;
}
export interface WriteMultipleCoilsRequest {
  readonly unit: number;
  readonly fc: 0x0f;
  readonly address: number;
  readonly values: readonly boolean[];
}
export interface WriteMultipleRegistersRequest {
  readonly unit: number;
  readonly fc: 0x10;
  readonly address: number;
  readonly values: readonly number[];
}

export type ModbusRequest =
  | ReadRequest
  | WriteSingleCoilRequest
  | WriteSingleRegisterRequest
  | WriteMultipleCoilsRequest
  | WriteMultipleRegistersRequest;

/**
 * Bits come back padded to whole bytes (the response does not carry the quantity asked for);
 * the master keeps the first `quantity` of them.
 */
export interface ReadBitsResponse {
  readonly unit: number;
  readonly fc: ReadBitsFc;
  readonly bits: readonly boolean[];
}
export interface ReadRegistersResponse {
  readonly unit: number;
  readonly fc: ReadRegistersFc;
  readonly registers: readonly number[];
}
/** FC 15 and 16 answer with the address and quantity written. */
export interface WriteMultipleResponse {
  readonly unit: number;
  readonly fc: 0x0f | 0x10;
  readonly address: number;
  readonly quantity: number;
}
export interface ExceptionResponse {
  readonly unit: number;
  /** The function code of the request (without the 0x80 bit). */
  readonly fc: number;
  readonly exception: number;
}

export type ModbusResponse =
  | ReadBitsResponse
  | ReadRegistersResponse
  | WriteSingleCoilRequest
  | WriteSingleRegisterRequest
  | WriteMultipleResponse
  | ExceptionResponse;

export function isException(response: ModbusResponse): response is ExceptionResponse {
  return 'exception' in response;
}
