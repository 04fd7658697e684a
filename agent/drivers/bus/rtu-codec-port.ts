/**
 * The few things the bus master needs from the Modbus RTU codec (protocol/modbus). The master
 * is written against this port; `protocol-rtu-codec.ts` is the one place that maps it onto the
 * codec, so the codec stays the only code that knows frame layouts and the CRC.
 */

export type BusRequest =
  | {
      readonly fn: 'read-discrete-inputs';
      readonly unit: number;
      readonly address: number;
      readonly quantity: number;
    }
  | {
      readonly fn: 'write-single-coil';
      readonly unit: number;
      readonly address: number;
      readonly on: boolean;
    }
  | {
      readonly fn: 'write-single-register';
      readonly unit: number;
      readonly address: number;
      readonly value: number;
    };

export type BusResponse =
  | { readonly kind: 'bits'; readonly bits: readonly boolean[] }
  | { readonly kind: 'written' }
  | { readonly kind: 'exception'; readonly exceptionCode: number };

export interface RtuCodec {
  encode(request: BusRequest): Uint8Array;
  /** Function code byte of the request (the answer carries it, or it | 0x80 for an exception). */
  functionCode(request: BusRequest): number;
  /** Size in bytes of a normal (non-exception) answer to `request`. */
  answerBytes(request: BusRequest): number;
  /**
   * Length of the answer frame that starts at bytes[0], or undefined while too few bytes have
   * arrived to tell.
   */
  frameLength(bytes: Uint8Array): number | undefined;
  /**
   * Decodes one complete answer frame (slave address already checked by the caller). Throws a
   * PostamatError `crc` when the checksum is wrong, another code when the frame is malformed.
   */
  decode(request: BusRequest, frame: Uint8Array): BusResponse;
}
