import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig, parseAgentConfig } from './config.ts';

const base = {
  lockerId: 'L1',
  hashKey: 'k'.repeat(16),
  dataDir: '/tmp/x',
  boards: { simulated: true },
};
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

describe('agent config: payments', () => {
  it('defaults: no terminal, no SBP; a terminal gets 9600 baud and a 60 s sale timeout', () => {
    expect(parseAgentConfig({ ...base, payments: {} }).payments).toEqual({
      pos: 'none',
      sbp: false,
      sbpTimeoutMs: 300_000,
    });
    const c = parseAgentConfig({
      ...base,
      payments: { pos: { port: '/dev/ttyACM0' }, sbp: true, receiptKeyPem: rsaPem },
    });
    expect(c.payments).toMatchObject({
      pos: { port: '/dev/ttyACM0', baud: 9600, saleTimeoutMs: 60_000 },
      sbp: true,
      receiptKeyPem: rsaPem,
    });
  });

  it('names every bad payments field with its value', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() =>
      parseAgentConfig({
        ...base,
        payments: { pos: { port: '', baud: -1 }, sbp: 'yes', receiptKeyPem: ec },
      }),
    ).toThrow(
      /payments\.pos[\s\S]*payments\.sbp: must be true or false \(got "yes"\)[\s\S]*payments\.receiptKeyPem: must be an RSA public key/,
    );
  });

  it('environment overrides choose the terminal port, baud, SBP and the receipt key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-config-pay-'));
    try {
      const file = join(dir, 'agent.yaml');
      writeFileSync(
        file,
        'lockerId: L1\nhashKey: kkkkkkkkkkkkkkkk\ndataDir: /tmp/x\nboards: { simulated: true }\n',
      );
      const c = loadAgentConfig(file, {
        POSTAMAT_AGENT_POS_PORT: '/dev/ttyUSB1',
        POSTAMAT_AGENT_POS_BAUD: '115200',
        POSTAMAT_AGENT_SBP: 'true',
        POSTAMAT_AGENT_RECEIPT_KEY_PEM: rsaPem,
      });
      expect(c.payments).toMatchObject({
        pos: { port: '/dev/ttyUSB1', baud: 115_200 },
        sbp: true,
        receiptKeyPem: rsaPem,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
