import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentConfig, parseAgentConfig } from './config.ts';

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

  describe('from a file', () => {
    let dir: string;
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
      dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };

    it('reads YAML and lets the environment override documented fields', () => {
      const file = write(
        'agent.yaml',
        [
          'lockerId: L1',
          `hashKey: ${'k'.repeat(16)}`,
          'dataDir: /var/lib/postamat',
          'boards:',
          '  simulated: true',
          'kiosk:',
          '  port: 8081',
        ].join('\n'),
      );
      const config = loadAgentConfig(file, {
        POSTAMAT_AGENT_KIOSK_PORT: '9090',
        POSTAMAT_AGENT_LOG_LEVEL: 'debug',
        POSTAMAT_AGENT_SYNC_URL: 'mqtts://cloud.example:8883',
        POSTAMAT_AGENT_SYNC_SECRET: 's3cret',
      });
      expect(config.kiosk?.port).toBe(9090);
      expect(config.logLevel).toBe('debug');
      // Lockers that boot together spread their first connects over 3 s unless told otherwise.
      expect(config.sync).toEqual({
        url: 'mqtts://cloud.example:8883',
        secret: 's3cret',
        startJitterMs: 3_000,
      });
      expect(config.dataDir).toBe('/var/lib/postamat');
    });

    it('takes a start jitter from the file and names the field when it is out of range', () => {
      const base = {
        lockerId: 'L1',
        hashKey: 'k'.repeat(16),
        dataDir: '/x',
        boards: { simulated: true },
      };
      const sync = (startJitterMs: unknown) =>
        write(
          'jitter.json',
          JSON.stringify({ ...base, sync: { url: 'mqtt://c', secret: 's', startJitterMs } }),
        );
      expect(loadAgentConfig(sync(0), {}).sync?.startJitterMs).toBe(0);
      expect(loadAgentConfig(sync(10_000), {}).sync?.startJitterMs).toBe(10_000);
      expect(() => loadAgentConfig(sync(-1), {})).toThrow(/sync\.startJitterMs/);
      expect(() => loadAgentConfig(sync(3_600_000), {})).toThrow(/sync\.startJitterMs/);
    });

    it("names the variable's field when an override is bad, and a file that is not an object", () => {
      const file = write(
        'agent.json',
        JSON.stringify({
          lockerId: 'L1',
          hashKey: 'k'.repeat(16),
          dataDir: '/x',
          boards: { simulated: true },
        }),
      );
      expect(() => loadAgentConfig(file, { POSTAMAT_AGENT_KIOSK_PORT: 'eighty' })).toThrow(
        /kiosk\.port.*"eighty"/,
      );
      expect(() => loadAgentConfig(write('list.json', '[1, 2]'), {})).toThrow(
        /must hold an object/,
      );
      expect(() => loadAgentConfig(join(dir, 'missing.json'), {})).toThrow(/cannot read config/);
    });
  });
});
