import { z } from 'zod';
import { type NotificationProvider, sendFailure } from './notification-provider.ts';

/**
 * Any HTTP SMS gateway, described in the config: URL, method, credentials and a body template
 * with `{{phone}}`, `{{phoneDigits}}`, `{{text}}` and `{{id}}`, escaped for the content type.
 * A Russian provider (SMS.ru, SMSC, SMS Aero, …) plugs in by config alone.
 */
export const smsGatewayConfigSchema = z.strictObject({
  url: z.url(),
  method: z.enum(['POST', 'GET']).default('POST'),
  contentType: z
    .enum(['application/json', 'application/x-www-form-urlencoded', 'text/plain'])
    .default('application/json'),
  bodyTemplate: z.string().default('{"to":"{{phone}}","text":"{{text}}","id":"{{id}}"}'),
  headers: z.record(z.string(), z.string()).default({}),
  /** Basic auth; a token goes into `headers` or the template instead. */
  username: z.string().optional(),
  password: z.string().optional(),
  /** Gateways that answer 200 with an error in the body: a success must match this. */
  successPattern: z.string().optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type SmsGatewayConfig = z.infer<typeof smsGatewayConfigSchema>;

type Escape = (value: string) => string;
const ESCAPES: Readonly<Record<SmsGatewayConfig['contentType'], Escape>> = {
  'application/json': (v) => JSON.stringify(v).slice(1, -1),
  'application/x-www-form-urlencoded': encodeURIComponent,
  'text/plain': (v) => v,
};

function fill(template: string, values: Record<string, string>, encode: Escape): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : encode(value);
  });
}

/** Permanent: the gateway refused the request itself; anything else may pass later. */
const PERMANENT = new Set([400, 401, 403, 404, 422]);

export function smsGatewayProvider(config: SmsGatewayConfig): NotificationProvider {
  const pattern = config.successPattern === undefined ? null : new RegExp(config.successPattern);
  const auth =
    config.username === undefined
      ? {}
      : {
          authorization: `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`,
        };
  return {
    channel: 'sms',
    addressesPhone: true,
    async send(message) {
      if (message.phone === null) return { ok: false, error: 'no phone', permanent: true };
      const values = {
        phone: message.phone,
        phoneDigits: message.phone.replace(/\D/g, ''),
        text: message.text,
        id: message.id,
      };
      const url = fill(config.url, values, encodeURIComponent);
      const body =
        config.method === 'GET'
          ? undefined
          : fill(config.bodyTemplate, values, ESCAPES[config.contentType]);
      let status: number;
      let answer: string;
      try {
        const response = await fetch(url, {
          method: config.method,
          headers: { 'content-type': config.contentType, ...auth, ...config.headers },
          ...(body === undefined ? {} : { body }),
          redirect: 'manual',
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        status = response.status;
        answer = await response.text();
      } catch (error) {
        return { ok: false, error: sendFailure(error) };
      }
      if (status < 200 || status >= 300) {
        return { ok: false, error: `HTTP ${status}`, permanent: PERMANENT.has(status) };
      }
      if (pattern !== null && !pattern.test(answer)) {
        return { ok: false, error: 'gateway answered without success' };
      }
      return { ok: true };
    },
  };
}
