import { describe, expect, it } from 'vitest';
import { createMemoryPair } from './serial-binding.ts';

describe('in-memory pair', () => {
  it('carries bytes both ways, never synchronously', async () => {
    const { master, device } = createMemoryPair();
    const atDevice: number[] = [];
    const atMaster: number[] = [];
    device.onData((b) => atDevice.push(...b));
    master.onData((b) => atMaster.push(...b));
    const written = master.write(Uint8Array.of(1, 2));
    expect(atDevice).toEqual([]);
    await written;
    await Promise.resolve();
    expect(atDevice).toEqual([1, 2]);
    await device.write(Uint8Array.of(3));
    await Promise.resolve();
    expect(atMaster).toEqual([3]);
  });

  it('closing one end tells the other, not itself', async () => {
    const { master, device } = createMemoryPair();
    const closed: string[] = [];
    master.onClose(() => closed.push('master'));
    device.onClose(() => closed.push('device'));
    await device.close();
    await Promise.resolve();
    await Promise.resolve();
    expect(closed).toEqual(['master']);
    await expect(device.write(Uint8Array.of(1))).rejects.toThrow();
  });
});
