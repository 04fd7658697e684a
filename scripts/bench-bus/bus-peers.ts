import ModbusRTU from 'modbus-serial';
import { protocolRtuCodec } from '../../agent/drivers/bus/protocol-rtu-codec.ts';
import { RtuMaster } from '../../agent/drivers/bus/rtu-master.ts';
import type { SerialSettings } from '../../agent/drivers/bus/rtu-timing.ts';
import { serialPortBinding } from '../../agent/drivers/bus/serial-port-binding.ts';

/** The two operations the benchmark times, as each peer does them. */
export interface BusPeer {
  readonly name: string;
  /** FC05 coil ON on `unit`, resolved when the board confirmed. */
  unlock(unit: number, coil: number): Promise<void>;
  /** FC05 coil OFF (not timed; keeps the simulated locks as they were). */
  relock(unit: number, coil: number): Promise<void>;
  /** FC02 read of 16 inputs on each unit in turn. */
  scan(units: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

export async function ourMaster(path: string, serial: SerialSettings): Promise<BusPeer> {
  const master = new RtuMaster(await serialPortBinding(path, serial)(), {
    serial,
    codec: protocolRtuCodec,
  });
  const coil = (unit: number, address: number, on: boolean) =>
    master.transact({ fn: 'write-single-coil', unit, address, on }, { priority: 'urgent' });
  return {
    name: 'postamat RtuMaster',
    unlock: async (unit, address) => void (await coil(unit, address, true)),
    relock: async (unit, address) => void (await coil(unit, address, false)),
    scan: async (units) => {
      for (const unit of units) {
        await master.transact({ fn: 'read-discrete-inputs', unit, address: 0, quantity: 16 });
      }
    },
    close: () => master.close(),
  };
}

export async function modbusSerial(path: string, serial: SerialSettings): Promise<BusPeer> {
  const client = new ModbusRTU();
  await client.connectRTUBuffered(path, {
    baudRate: serial.baudRate,
    dataBits: serial.dataBits,
    parity: serial.parity,
    stopBits: serial.stopBits,
  });
  client.setTimeout(1000);
  return {
    name: 'modbus-serial 8.0.25',
    unlock: async (unit, address) => {
      client.setID(unit);
      await client.writeCoil(address, true);
    },
    relock: async (unit, address) => {
      client.setID(unit);
      await client.writeCoil(address, false);
    },
    scan: async (units) => {
      for (const unit of units) {
        client.setID(unit);
        await client.readDiscreteInputs(0, 16);
      }
    },
    close: () => new Promise((resolve) => client.close(() => resolve())),
  };
}
