import type { Handler } from './kiosk-routes.ts';
import { qrSvg } from './qr-svg.ts';
import { int, str } from './request-body.ts';

/**
 * The pay screens' API: what the locker accepts, paying a COD pickup, a rental or an overdue
 * rental, watching a payment (with its SBP QR drawn here as SVG), and the receipt contact.
 */
export const PAYMENT_ROUTES: Readonly<Record<string, Handler>> = {
  'GET /api/payments/options': (ctx) => ({ ok: true, ...ctx.backend.paymentOptions() }),
  'POST /api/pay/cod': (ctx, b) => ctx.backend.payCod(str(b, 'code', 16), str(b, 'method', 8)),
  'POST /api/pay/overdue': (ctx, b) =>
    ctx.backend.payOverdue(str(b, 'code', 16), str(b, 'method', 8)),
  'POST /api/pay/rental': (ctx, b) =>
    ctx.backend.payRental({
      size: str(b, 'size', 4),
      hours: int(b, 'hours'),
      method: str(b, 'method', 8),
    }),
  'POST /api/payment': async (ctx, b) => {
    const view = ctx.backend.payment(str(b, 'paymentId', 100));
    if (!view.ok) return view;
    const qr = view.qrPayload && view.state === 'intent' ? await qrSvg(view.qrPayload) : null;
    const { qrPayload: _hidden, ...shown } = view;
    return { ...shown, qrSvg: qr, now: ctx.now() };
  },
  'POST /api/receipt': (ctx, b) =>
    ctx.backend.offerReceipt({
      paymentId: str(b, 'paymentId', 100),
      channel: str(b, 'channel', 8),
      contact: str(b, 'contact', 200),
    }),
};
