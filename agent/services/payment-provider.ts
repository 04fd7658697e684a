/** Takes money for a rental; a bank POS terminal or SBP QR in the field, a test one in demos. */
export interface PaymentProvider {
  charge(request: {
    readonly orderId: string;
    readonly amountKopecks: number;
    /** What the renter presented (a test token in demos). */
    readonly method: string;
  }):
    | { readonly ok: true; readonly paymentId: string }
    | { readonly ok: false; readonly reason: string };
}

/** Approves everything except the method "decline"; records what it charged. */
export class TestPaymentProvider implements PaymentProvider {
  readonly charges: { orderId: string; amountKopecks: number }[] = [];

  charge(request: { orderId: string; amountKopecks: number; method: string }) {
    if (request.method === 'decline') return { ok: false as const, reason: 'declined' };
    this.charges.push({ orderId: request.orderId, amountKopecks: request.amountKopecks });
    return { ok: true as const, paymentId: `test-${this.charges.length}` };
  }
}
