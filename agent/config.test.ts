import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './config.ts';

describe('agent config', () => {
  it('fills defaults', () => {
    const c = parseAgentConfig({
      lockerId: 'L1',
      hashKey: 'k'.repeat(16),
      dataDir: '/tmp/x',
      boards: { simulated: true },
    });
    expect(c.timings.openTimeoutMs).toBe(5000);
    expect(c.keypad.maxWrong).toBe(5);
    expect(c.boards).toMatchObject({ simulated: true, channels: 16 });
  });

  it('lists every bad field with its value', () => {
    expect(() =>
      parseAgentConfig({
        lockerId: 'bad id!',
        hashKey: 'short',
        boards: { simulated: true, channels: 0 },
        extra: 1,
      }),
    ).toThrow(/lockerId.*"bad id!"[\s\S]*hashKey.*"short"[\s\S]*dataDir[\s\S]*boards/);
  });
});
