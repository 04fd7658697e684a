import { describe, expect, it } from 'vitest';
import { parseCloudConfig } from '../config.ts';

function issues(file: object, env: Record<string, string> = {}): string[] {
  try {
    parseCloudConfig(JSON.stringify(file), env);
  } catch (error) {
    return ((error as { details: { issues: string[] } }).details.issues ?? []).slice().sort();
  }
  return [];
}

describe('payments config', () => {
  it('lists every bad payments field by its path', () => {
    expect(
      issues({
        payments: {
          sbp: { provider: 'http', callbackSecret: 'short' },
          fiscal: { provider: 'http' },
          receiptPrivateKey: 'not a key',
        },
      }),
    ).toEqual([
      'payments.fiscal.http: the http fiscal provider needs payments.fiscal.http (url, groupCode, companyInn, …)',
      'payments.receiptPrivateKey: a PEM private key',
      'payments.sbp.callbackSecret: callback secret: at least 16 characters',
      'payments.sbp.http: the http SBP provider needs payments.sbp.http (baseUrl, merchantId, …)',
    ]);
    expect(
      issues({ payments: { sbp: { provider: 'http', callbackSecret: 'x'.repeat(20) } } }),
    ).toEqual([
      'payments.sbp.http: the http SBP provider needs payments.sbp.http (baseUrl, merchantId, …)',
    ]);
    expect(
      issues({
        payments: {
          fiscal: {
            provider: 'http',
            http: {
              url: 'https://online.atol.ru/possystem/v4',
              groupCode: 'g',
              companyInn: '12',
              companyEmail: 'a@b.ru',
              paymentAddress: 'x',
            },
          },
        },
      }),
    ).toEqual(['payments.fiscal.http.companyInn: INN: 10 or 12 digits']);
  });

  it('takes secrets and providers from the environment, with defaults for the rest', () => {
    const config = parseCloudConfig(undefined, {
      POSTAMAT_SBP_CALLBACK_SECRET: 'from-the-environment-123',
      POSTAMAT_SBP_PROVIDER: 'http',
      POSTAMAT_SBP_URL: 'https://pay.bank.example/',
      POSTAMAT_SBP_MERCHANT_ID: 'MA0000000001',
      POSTAMAT_SBP_TOKEN: 'secret-token',
      POSTAMAT_RECEIPT_KEY_FILE: '/etc/postamat/receipt-key.pem',
    });
    expect(config.payments).toMatchObject({
      sbp: {
        provider: 'http',
        callbackSecret: 'from-the-environment-123',
        callbackToleranceMs: 300_000,
        http: {
          baseUrl: 'https://pay.bank.example/',
          merchantId: 'MA0000000001',
          token: 'secret-token',
        },
      },
      fiscal: { provider: 'recording', contactWaitMs: 60_000 },
      receiptPrivateKeyFile: '/etc/postamat/receipt-key.pem',
    });
    expect(parseCloudConfig(undefined, {}).payments).toBeUndefined();
  });
});
