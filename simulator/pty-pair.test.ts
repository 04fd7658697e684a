import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { openPtyPair } from './pty-pair.ts';
import { readBytes } from './testing/wait.ts';

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  return port;
}

async function closePort(port: SerialPort): Promise<void> {
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

describe.each(['socat', 'python3'] as const)('pty pair via %s', (via) => {
  it('carries bytes both ways between its two ends', async () => {
    const pair = await openPtyPair({ via });
    try {
      expect(pair.via).toBe(via);
      expect(pair.paths[0]).toMatch(/^\/dev\/pts\/\d+$/);
      const [a, b] = await Promise.all(pair.paths.map(openPort));
      a!.write(Buffer.from([1, 2, 0xff, 0x0a, 0x0d, 0x03]));
      expect([...(await readBytes(b!, 6))]).toEqual([1, 2, 0xff, 0x0a, 0x0d, 0x03]);
      b!.write(Buffer.from([0x11, 0x13]));
      expect([...(await readBytes(a!, 2))]).toEqual([0x11, 0x13]);
      await Promise.all([closePort(a!), closePort(b!)]);
    } finally {
      await pair.close();
    }
  });
});

it('falls back to python3 when socat is missing', async () => {
  const pair = await openPtyPair({ programs: { socat: '/nonexistent/socat' } });
  try {
    expect(pair.via).toBe('python3');
    const [a, b] = await Promise.all(pair.paths.map(openPort));
    a!.write(Buffer.from([0x42]));
    expect([...(await readBytes(b!, 1))]).toEqual([0x42]);
    await Promise.all([closePort(a!), closePort(b!)]);
  } finally {
    await pair.close();
  }
});
