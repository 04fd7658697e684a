import {
  EXCEPTION,
  FC,
  type ModbusRequest,
  type ModbusResponse,
} from '../protocol/modbus/index.ts';
import type { SimBoard } from './sim-board.ts';

/**
 * The Modbus view of a board, as a real relay board maps it: coils and discrete inputs per
 * channel from their bases, plain holding registers, and two read-only input registers
 * (0 = number of channels, 1 = reboots since start).
 */
export function serveRequest(board: SimBoard, request: ModbusRequest): ModbusResponse {
  const fail = (exception: number): ModbusResponse => ({
    unit: request.unit,
    fc: request.fc,
    exception,
  });
  const { unit } = request;
  switch (request.fc) {
    case FC.readCoils:
    case FC.readDiscreteInputs: {
      const base = request.fc === FC.readCoils ? board.coilBase : board.inputBase;
      const first = channelOf(board, base, request.address, request.quantity);
      if (first === undefined) return fail(EXCEPTION.illegalDataAddress);
      const bits = Array.from({ length: request.quantity }, (_, i) => {
        const door = board.door(first + i);
        return request.fc === FC.readCoils ? door.coil : door.reading();
      });
      return { unit, fc: request.fc, bits };
    }
    case FC.readHoldingRegisters:
    case FC.readInputRegisters: {
      const table =
        request.fc === FC.readHoldingRegisters
          ? board.holding
          : Uint16Array.of(board.channels, board.rebootCount);
      if (request.address + request.quantity > table.length) {
        return fail(EXCEPTION.illegalDataAddress);
      }
      const registers = Array.from(
        table.subarray(request.address, request.address + request.quantity),
      );
      return { unit, fc: request.fc, registers };
    }
    case FC.writeSingleCoil: {
      const channel = channelOf(board, board.coilBase, request.address, 1);
      if (channel === undefined) return fail(EXCEPTION.illegalDataAddress);
      board.setCoil(channel, request.value);
      return request;
    }
    case FC.writeMultipleCoils: {
      const first = channelOf(board, board.coilBase, request.address, request.values.length);
      if (first === undefined) return fail(EXCEPTION.illegalDataAddress);
      request.values.forEach((on, i) => {
        board.setCoil(first + i, on);
      });
      return { unit, fc: request.fc, address: request.address, quantity: request.values.length };
    }
    case FC.writeSingleRegister:
    case FC.writeMultipleRegisters: {
      const values = request.fc === FC.writeSingleRegister ? [request.value] : request.values;
      if (request.address + values.length > board.holding.length) {
        return fail(EXCEPTION.illegalDataAddress);
      }
      board.holding.set(values, request.address);
      if (request.fc === FC.writeSingleRegister) return request;
      return { unit, fc: request.fc, address: request.address, quantity: values.length };
    }
  }
}

/** The channel at `address`, if the whole block `address .. +quantity` is on the board. */
function channelOf(
  board: SimBoard,
  base: number,
  address: number,
  quantity: number,
): number | undefined {
  const offset = address - base;
  if (offset < 0 || offset + quantity > board.channels) return undefined;
  return offset + 1;
}
