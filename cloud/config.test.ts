import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../protocol/index.ts';
import { parseCloudConfig } from './config.ts';

describe('cloud config', () => {
  it('fills defaults and lets the environment override the file', () => {
    const config = parseCloudConfig('http:\n  port: 9000\n', {
      DATABASE_URL: 'postgres://x@h/db',
      POSTAMAT_HTTP_HOST: '0.0.0.0',
    });
    expect(config).toMatchObject({
      dataDir: './data',
      databaseUrl: 'postgres://x@h/db',
      http: { host: '0.0.0.0', port: 9000 },
    });
  });

  it('runs as an external-broker worker from the environment alone', () => {
    const config = parseCloudConfig(undefined, {
      POSTAMAT_MQTT_MODE: 'external',
      POSTAMAT_MQTT_URL: 'mqtt://broker:1883',
      POSTAMAT_MQTT_SHARE_GROUP: 'city',
      POSTAMAT_WORKER_ID: '7',
      POSTAMAT_MQTT_GAP_HOLD_MS: '500',
    });
    expect(config.mqtt).toMatchObject({
      mode: 'external',
      url: 'mqtt://broker:1883',
      shareGroup: 'city',
      workerId: '7',
      gapHoldMs: 500,
    });
    expect(() =>
      parseCloudConfig(undefined, { POSTAMAT_WORKER_ID: 'w 1', POSTAMAT_MQTT_GAP_HOLD_MS: '-1' }),
    ).toThrow(/mqtt\.workerId[\s\S]*mqtt\.gapHoldMs|mqtt\.gapHoldMs[\s\S]*mqtt\.workerId/);
  });

  it('lists every bad field at once', () => {
    try {
      parseCloudConfig('{"http": {"port": -1}, "adminKey": "short", "colour": "red"}', {
        DATABASE_URL: 'mysql://nope',
      });
      expect.unreachable();
    } catch (error) {
      expect(isPostamatError(error, 'bad-config')).toBe(true);
      const message = (error as Error).message;
      for (const field of ['http.port', 'adminKey', 'databaseUrl', '(root)'])
        expect(message).toContain(field);
    }
  });

  it('turns notifications on with a personal-data key from the environment, off without one', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseCloudConfig(undefined, {}).notifications).toBeUndefined();
    const config = parseCloudConfig('notifications:\n  perPhonePerHour: 3\n', {
      POSTAMAT_PD_KEY: key,
      POSTAMAT_NOTIFY_CHANNELS: 'recording,webhook',
    });
    expect(config.notifications).toMatchObject({
      encryptionKey: key,
      perPhonePerHour: 3,
      channels: ['recording', 'webhook'],
    });
    expect(() =>
      parseCloudConfig('notifications:\n  channels: [sms]\n', { POSTAMAT_PD_KEY: key }),
    ).toThrow(/notifications\.sms/);
  });
});
