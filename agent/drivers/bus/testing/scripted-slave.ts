import {
  decodeRequest,
  encodeResponse,
  type ModbusRequest,
  type ModbusResponse,
} from '../../../../protocol/modbus/index.ts';
import type { SerialBinding } from '../serial-binding.ts';

/**
 * What a scripted slave does with one request: answer it (the codec encodes), send raw bytes
 * (noise, a broken frame, another slave's frame), or stay silent.
 */
export type Reply =
  | { readonly answer: ModbusResponse }
  | { readonly raw: readonly Uint8Array[] }
  | 'silent';

export type Script = (request: ModbusRequest, index: number) => Reply;

/**
 * A tiny slave for the master's own tests, on the device end of a memory pair. It decodes each
 * request with the project's codec (one request per write, as the master writes them) and
 * replies as the script says. The behaviour-rich board model is the simulator's job.
 */
export function scriptedSlave(
  device: SerialBinding,
  script: Script,
): { requests: ModbusRequest[] } {
  const requests: ModbusRequest[] = [];
  device.onData((bytes) => {
    const request = decodeRequest(bytes);
    const reply = script(request, requests.length);
    requests.push(request);
    if (reply === 'silent') return;
    const chunks = 'answer' in reply ? [encodeResponse(reply.answer)] : reply.raw;
    for (const chunk of chunks) void device.write(chunk);
  });
  return { requests };
}

/** A normal answer to `request`, as a healthy board with these input levels would give. */
export function normalAnswer(
  request: ModbusRequest,
  inputs: readonly boolean[] = [],
): ModbusResponse {
  switch (request.fc) {
    case 0x01:
    case 0x02:
      return {
        unit: request.unit,
        fc: request.fc,
        bits: Array.from(
          { length: request.quantity },
          (_, i) => inputs[request.address + i] ?? false,
        ),
      };
    case 0x03:
    case 0x04:
      return { unit: request.unit, fc: request.fc, registers: new Array(request.quantity).fill(0) };
    case 0x0f:
    case 0x10:
      return {
        unit: request.unit,
        fc: request.fc,
        address: request.address,
        quantity: request.values.length,
      };
    default:
      return request;
  }
}
