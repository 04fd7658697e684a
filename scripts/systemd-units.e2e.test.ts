import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const unitDir = new URL('../systemd/', import.meta.url).pathname;
const units = ['postamat-agent.service', 'postamat-kiosk.service', 'postamat-cloud.service'];

function directives(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of readFileSync(unitDir + unit, 'utf8').split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      map.set(match[1], [...(map.get(match[1]) ?? []), match[2]]);
    }
  }
  return map;
}

describe('systemd units', () => {
  it.each(units)('%s passes systemd-analyze verify', (unit) => {
    // verify exits non-zero and prints the problem on any error, including a missing binary.
    const output = execFileSync('systemd-analyze', ['verify', unitDir + unit], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(output).toBe('');
  });

  it.each(['postamat-agent.service', 'postamat-cloud.service'])(
    '%s notifies readiness, is watched, restarts forever and is hardened',
    (unit) => {
      const d = directives(unit);
      expect(d.get('Type')).toEqual(['notify']);
      expect(d.get('WatchdogSec')?.[0]).toMatch(/^\d+s$/);
      expect(d.get('Restart')).toEqual(['always']);
      expect(d.get('StartLimitIntervalSec')).toEqual(['0']);
      expect(d.get('ProtectSystem')).toEqual(['strict']);
      expect(d.get('NoNewPrivileges')).toEqual(['yes']);
      expect(d.get('PrivateTmp')).toEqual(['yes']);
      expect(d.get('ReadWritePaths')?.[0]).toMatch(/^\/var\/lib\/postamat/);
    },
  );

  it('runs the agent with the memory settings its benchmark measured under 80 MB RSS', () => {
    const d = directives('postamat-agent.service');
    expect(d.get('Environment')).toContain('MALLOC_ARENA_MAX=2');
    expect(d.get('ExecStart')?.[0]).toMatch(/^\/usr\/bin\/node --max-semi-space-size=1 /);
  });

  it('lets the agent reach only serial and GPIO devices', () => {
    const d = directives('postamat-agent.service');
    expect(d.get('DevicePolicy')).toEqual(['closed']);
    expect(d.get('DeviceAllow')?.every((rule) => /^char-(tty\w+|gpiochip) rw$/.test(rule))).toBe(
      true,
    );
  });

  it('starts the kiosk only with the agent, on the local page', () => {
    const d = directives('postamat-kiosk.service');
    expect(d.get('Requires')).toEqual(['postamat-agent.service']);
    expect(d.get('After')?.[0]).toContain('postamat-agent.service');
    expect(d.get('ExecStart')?.[0]).toMatch(/chromium --kiosk .* http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
