import { z } from 'zod';
import type { FiscalProvider, FiscalReceipt, FiscalResult } from './fiscal-provider.ts';
import { networkFailure } from './fiscal-provider.ts';

/**
 * A cloud fiscalization service over HTTP, shaped like ATOL Online v4 (the OFD-facing services
 * — ATOL, OrangeData, CloudKassir — take the same parts): POST `<url>/<groupCode>/sell` or
 * `/sell_refund` with `external_id`, `timestamp`, and `receipt` = client (email | phone), company
 * (INN, taxation system, payment address), items (name, price, quantity, sum, VAT, payment
 * method/object), payments (type 1 = electronic) and total. The answer's `uuid` and `status`
 * (`done` | `wait` | `fail`); a `wait` is asked again at `<url>/<groupCode>/report/<uuid>`.
 */
export const fiscalHttpConfigSchema = z.strictObject({
  url: z.url(),
  groupCode: z.string().min(1),
  /** Sent as the `Token` header (ATOL's name for it). */
  token: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  companyInn: z.string().regex(/^\d{10}(\d{2})?$/, 'INN: 10 or 12 digits'),
  companyEmail: z.email(),
  /** Where payments are taken: the network's site. */
  paymentAddress: z.string().min(1),
  /** Taxation system: osn, usn_income, usn_income_outcome, esn, patent. */
  sno: z.enum(['osn', 'usn_income', 'usn_income_outcome', 'esn', 'patent']).default('usn_income'),
  /** VAT rate of the services sold: none, vat0, vat10, vat20, vat5, vat7. */
  vat: z.enum(['none', 'vat0', 'vat10', 'vat20', 'vat5', 'vat7']).default('none'),
  itemNames: z
    .strictObject({
      cod: z.string().default('Оплата заказа'),
      rental: z.string().default('Аренда ячейки постамата'),
      'rental-overdue': z.string().default('Доплата за хранение'),
    })
    .prefault({}),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type FiscalHttpConfig = z.infer<typeof fiscalHttpConfigSchema>;

const answerSchema = z.object({
  uuid: z.string().min(1).optional(),
  status: z.string().optional(),
  error: z.object({ text: z.string().optional() }).nullable().optional(),
});

/** ATOL wants `dd.mm.yyyy HH:MM:SS` (Moscow time is what shops use; the offset is fixed +3). */
function atolTimestamp(at: number): string {
  const d = new Date(at + 3 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export function atolReceiptBody(config: FiscalHttpConfig, r: FiscalReceipt) {
  const sum = Number((r.amountKopecks / 100).toFixed(2));
  const name = config.itemNames[(r.purpose ?? 'cod') as keyof FiscalHttpConfig['itemNames']];
  const client =
    r.contact === null
      ? {}
      : r.contact.channel === 'email'
        ? { email: r.contact.value }
        : { phone: r.contact.value };
  return {
    external_id: r.receiptId,
    timestamp: atolTimestamp(r.at),
    receipt: {
      client,
      company: {
        email: config.companyEmail,
        sno: config.sno,
        inn: config.companyInn,
        payment_address: config.paymentAddress,
      },
      items: [
        {
          name: name ?? config.itemNames.cod,
          price: sum,
          quantity: 1,
          sum,
          measure: 0,
          payment_method: 'full_payment',
          // 4: a service; COD is the payment for goods the tenant sold, passed on as agent's.
          payment_object: r.purpose === 'cod' ? 1 : 4,
          vat: { type: config.vat },
        },
      ],
      payments: [{ type: 1, sum }],
      total: sum,
    },
  };
}

export function fiscalHttpProvider(config: FiscalHttpConfig): FiscalProvider {
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    ...(config.token === undefined ? {} : { token: config.token }),
    ...config.headers,
  };
  const base = `${config.url.replace(/\/$/, '')}/${encodeURIComponent(config.groupCode)}`;

  async function call(url: string, body?: object): Promise<FiscalResult> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (error) {
      return { ok: false, error: networkFailure(error) };
    }
    const text = await response.text();
    if (!response.ok) {
      const permanent = response.status === 400 || response.status === 422;
      return { ok: false, error: `HTTP ${response.status}`, permanent };
    }
    let parsed: z.infer<typeof answerSchema>;
    try {
      parsed = answerSchema.parse(JSON.parse(text));
    } catch {
      return { ok: false, error: 'answer is not the expected JSON' };
    }
    if (parsed.status === 'fail' || parsed.uuid === undefined) {
      return { ok: false, error: `refused: ${parsed.error?.text ?? 'no uuid'}`, permanent: true };
    }
    return { ok: true, externalId: parsed.uuid, accepted: parsed.status === 'done' };
  }

  return {
    name: 'http',
    register: (r) =>
      call(`${base}/${r.kind === 'sale' ? 'sell' : 'sell_refund'}`, atolReceiptBody(config, r)),
    check: (externalId) => call(`${base}/report/${encodeURIComponent(externalId)}`),
  };
}
