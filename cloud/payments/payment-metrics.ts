import { Gauge, type Registry } from 'prom-client';
import type { PaymentCounters } from './payment-worker.ts';

/**
 * The payment counters (QRs, provider failures, refunds, resends, receipts, callbacks accepted
 * and refused) as `postamat_payments_total{counter="…"}`. They only grow.
 */
export function exportPaymentCounters(registry: Registry, counters: PaymentCounters): void {
  new Gauge({
    name: 'postamat_payments_total',
    help: 'Payment counters since start (QRs, provider failures, receipts, callbacks refused)',
    labelNames: ['counter'],
    registers: [registry],
    collect() {
      for (const [name, value] of Object.entries(counters)) this.set({ counter: name }, value);
    },
  });
}
