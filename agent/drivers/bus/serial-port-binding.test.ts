import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../../../protocol/errors.ts';
import { openPtyPair } from '../../../simulator/pty-pair.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import { portError, serialPortBinding } from './serial-port-binding.ts';

function received(port: SerialPort, count: number): Promise<number[]> {
  return new Promise((resolve) => {
    const got: number[] = [];
    port.on('data', (chunk: Buffer) => {
      got.push(...chunk);
      if (got.length >= count) resolve(got);
    });
  });
}

describe('serial port binding', () => {
  it('carries bytes both ways over a real pseudo-terminal, in order', async () => {
    const pty = await openPtyPair();
    try {
      const binding = await serialPortBinding(pty.paths[0], DEFAULT_SERIAL)();
      const far = new SerialPort({ path: pty.paths[1], baudRate: 9600 });
      await new Promise((resolve) => far.once('open', resolve));
      const atFar = received(far, 16);
      await binding.write(Uint8Array.of(1, 5, 0, 2, 0xff, 0, 0x2d, 0xfa));
      await binding.write(Uint8Array.of(1, 2, 0, 0, 0, 16, 0x79, 0xc6));
      expect(await atFar).toEqual([1, 5, 0, 2, 0xff, 0, 0x2d, 0xfa, 1, 2, 0, 0, 0, 16, 0x79, 0xc6]);
      const atUs = new Promise<number[]>((resolve) => {
        const got: number[] = [];
        binding.onData((bytes) => {
          got.push(...bytes);
          if (got.length >= 3) resolve(got);
        });
      });
      far.write(Buffer.from([7, 8, 9]));
      expect(await atUs).toEqual([7, 8, 9]);
      await new Promise((resolve) => far.close(resolve));
      await binding.close();
    } finally {
      await pty.close();
    }
  });

  it('a missing device is port-unavailable, reason missing', async () => {
    const error = await serialPortBinding('/dev/ttyNOPE42', DEFAULT_SERIAL)().catch(
      (e: unknown) => e,
    );
    expect(isPostamatError(error, 'port-unavailable')).toBe(true);
    expect((error as { details: { reason: string } }).details.reason).toBe('missing');
    expect((error as Error).message).toContain('/dev/ttyNOPE42 does not exist');
  });

  it.each([
    ['Error: Permission denied, cannot open /dev/ttyUSB0', 'permission', 'dialout'],
    ['Error: Resource busy, cannot open /dev/ttyUSB0', 'busy', 'in use'],
    ['Error: something odd', 'other', 'something odd'],
  ])('maps "%s" to %s', (message, reason, text) => {
    const error = portError('/dev/ttyUSB0', new Error(message));
    expect(error.details.reason).toBe(reason);
    expect(error.message).toContain(text);
  });
});
