import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('./install-agent.sh', import.meta.url).pathname;
let dir: string;

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync('bash', [script, ...args], { encoding: 'utf8' });
}

describe('install-agent.sh', () => {
  it('lays out the code, a private config and the units under --root without touching the system', () => {
    dir = mkdtempSync(join(tmpdir(), 'install-'));
    const config = join(dir, 'agent.json');
    writeFileSync(config, '{"lockerId":"msk-0001"}');
    const root = join(dir, 'root');
    const result = run('--config', config, '--root', root, '--kiosk');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(join(root, 'opt/postamat/agent/main.ts'))).toBe(true);
    expect(existsSync(join(root, 'opt/postamat/node_modules'))).toBe(false);
    expect(statSync(join(root, 'etc/postamat/agent.json')).mode & 0o777).toBe(0o640);
    for (const unit of ['postamat-agent.service', 'postamat-kiosk.service']) {
      expect(existsSync(join(root, 'etc/systemd/system', unit))).toBe(true);
    }
  });

  it.each([
    [[], '--config FILE is required'],
    [['--config', '/nonexistent/agent.json'], 'cannot read config /nonexistent/agent.json'],
    [['--bogus'], 'unknown option --bogus'],
  ])('refuses %j with a one-line reason', (args, message) => {
    dir = mkdtempSync(join(tmpdir(), 'install-'));
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`install-agent: ${message}`);
  });
});
