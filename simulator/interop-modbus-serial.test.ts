import ModbusRTU from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { type SimulatorProcess, startSimulatorProcess } from './standalone-process.ts';

// modbus-serial (an independent JavaScript master) against the standalone simulator, over RTU in
// a TCP stream (as an RS-485-to-Ethernet gateway carries it) and over a socat pty pair.
// modbus-serial's raw RTU-over-TCP client is `connectTelnet`; its `connectTcpRTUBuffered`
// speaks Modbus TCP (MBAP headers) on the wire and translates to RTU inside, so it does not fit.
type Connect = (
  client: ModbusRTU,
  sim: SimulatorProcess,
  pair: PtyPair | undefined,
) => Promise<void>;

const transports: [string, string[], Connect][] = [
  [
    'RTU over TCP',
    ['--tcp', '0'],
    (client, sim) => client.connectTelnet('127.0.0.1', { port: sim.tcpPort! }),
  ],
  [
    'a socat pty pair',
    [],
    (client, _, pair) => client.connectRTUBuffered(pair!.paths[0], { baudRate: 19200 }),
  ],
];

describe.each(transports)('modbus-serial over %s', (name, args, connect) => {
  let pair: PtyPair | undefined;
  let sim: SimulatorProcess;
  const client = new ModbusRTU();

  beforeAll(async () => {
    if (name.includes('pty')) pair = await openPtyPair({ via: 'socat' });
    const port = pair ? ['--port', pair.paths[1], '--baud', '19200'] : [];
    sim = await startSimulatorProcess([
      ...args,
      ...port,
      ...['--board', '1:16', '--board', '2:16', '--spring-ms', '50'],
    ]);
    await connect(client, sim, pair);
    client.setTimeout(2000);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) =>
      client.isOpen ? client.close(() => resolve()) : resolve(),
    );
    await sim?.stop();
    await pair?.close();
  });

  it('reads inputs, unlocks a door that springs open, reads it open, sees it closed', async () => {
    client.setID(2);
    expect((await client.readDiscreteInputs(0, 16)).data).toEqual(Array(16).fill(false));
    const opened = sim.control.waitForEvent((e) => e.type === 'door' && e.open && e.address === 2);
    expect(await client.writeCoil(9, true)).toEqual({ address: 9, state: true });
    await opened;
    await client.writeCoil(9, false);
    const inputs = (await client.readDiscreteInputs(0, 16)).data;
    expect(inputs.flatMap((open, i) => (open ? [i + 1] : []))).toEqual([10]);
    await sim.control.closeDoor(2, 10);
    expect((await client.readDiscreteInputs(8, 4)).data.slice(0, 4)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('writes and reads coils, holding and input registers', async () => {
    client.setID(1);
    await client.writeCoils(0, [false, false, false, true]);
    expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual([false, false, false, true]);
    await client.writeCoil(3, false);
    await client.writeRegisters(0, [0x1234, 0xffff]);
    await client.writeRegister(2, 42);
    expect((await client.readHoldingRegisters(0, 3)).data).toEqual([0x1234, 0xffff, 42]);
    expect((await client.readInputRegisters(0, 2)).data).toEqual([16, 0]);
  });

  it('gets a Modbus exception for an address off the board', async () => {
    client.setID(1);
    await expect(client.readDiscreteInputs(16, 1)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('sees broken CRCs from one board while the other keeps answering', async () => {
    await sim.control.fault(1, { fault: 'crc-corruption', on: true });
    client.setID(1);
    await expect(client.readCoils(0, 1)).rejects.toThrow(/CRC/i);
    client.setID(2);
    expect((await client.readCoils(0, 1)).data[0]).toBe(false);
    await sim.control.fault(1, { fault: 'crc-corruption', on: false });
    expect((await sim.control.counters()).boards[1]?.corrupted).toBe(1);
  });
});
