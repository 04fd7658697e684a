import { randomUUID } from 'node:crypto';
import { type PaymentMethod, type PaymentPurpose, PostamatError } from '../../protocol/index.ts';
import type { PaymentTerminal } from '../drivers/payment-terminal/payment-terminal.ts';
import type { PaymentRow } from '../store/payments-repo.ts';
import { codAmountDue, codeStep } from './code-flows.ts';
import type { FlowContext } from './flow-context.ts';
import { fail } from './kiosk-result.ts';
import { FAILURE_TEXT, guardPayment, type PaymentAnswer } from './payment-answer.ts';
import { recordIntent, type Settlement, settle } from './payment-ledger.ts';
import { newRentalCode, priceOf, rentalCodeStep, rentalOverdueDue } from './rental-flows.ts';

/** The channels this locker takes money through, from its config. */
export interface PaymentChannels {
  /** The card terminal on the board's serial port; absent: no card payments here. */
  readonly terminal?: PaymentTerminal;
  /** SBP QR payments (they need the network: the cloud relays the provider). */
  readonly sbp: boolean;
  /** How long an SBP payment may wait for its QR and its confirmation; default 5 min. */
  readonly sbpTimeoutMs?: number;
}

/**
 * Takes money at the locker: COD pickups, new rentals, overdue rentals — through the card
 * terminal or an SBP QR. Every payment is an intent first (payment-ledger.ts); only an approved
 * result, written with the step's door ops in one transaction, opens a cell.
 */
export class PaymentDesk {
  /** Payments the terminal is working on now: recovery leaves them alone. */
  readonly inFlight = new Set<string>();
  /** New rentals' codes, held only until the renter has seen them. */
  private readonly rentalCodes = new Map<string, string>();

  constructor(
    private readonly ctx: FlowContext,
    readonly channels: PaymentChannels,
    readonly online: () => boolean,
  ) {}

  methods(): PaymentMethod[] {
    return [
      ...(this.channels.terminal ? ['pos' as const] : []),
      ...(this.channels.sbp ? ['sbp' as const] : []),
    ];
  }

  /** A COD pickup: the recipient's code, then the payment; the cells open when it is approved. */
  async payCod(code: string, method: string): Promise<PaymentAnswer> {
    return guardPayment(async () => {
      const { order, step, actor } = codeStep(this.ctx, code);
      const due = step.kind === 'collect' ? codAmountDue(this.ctx, order.id) : 0;
      if (due === 0) throw new PostamatError('invalid-state', 'nothing to pay for this code');
      return this.take(method, {
        orderId: order.id,
        stepId: step.id,
        purpose: 'cod',
        amountKopecks: due,
        detail: { actorId: actor.id, credentialId: actor.credentialId },
      });
    });
  }

  /** A new rental of `size` for `hours`, priced by the synced tariff. */
  async payRental(input: { size: string; hours: number; method: string }): Promise<PaymentAnswer> {
    return guardPayment(async () => {
      const { size, hours, priceKopecks } = priceOf(this.ctx, input);
      // A zero price is a tariff nobody set (the network's default grid), not a gift: a payment
      // of nothing cannot be recorded, and a cell must not be handed out unpriced.
      if (priceKopecks === 0) {
        throw new PostamatError(
          'invalid-state',
          `a ${hours} h rental of size ${size} is not priced at this locker: bind a storage profile`,
        );
      }
      const code = newRentalCode();
      return this.take(
        input.method,
        {
          orderId: `rental-${randomUUID()}`,
          stepId: null,
          purpose: 'rental',
          amountKopecks: priceKopecks,
          detail: { size, hours, codeHash: this.ctx.hash('rental-code', code) },
        },
        code,
      );
    });
  }

  /** An overdue rental: the extra time, then the final collect. */
  async payOverdue(code: string, method: string): Promise<PaymentAnswer> {
    return guardPayment(async () => {
      const { order, step } = rentalCodeStep(this.ctx, code);
      const owed = order.status === 'overdue' ? rentalOverdueDue(this.ctx, order.id) : 0;
      if (owed === 0) throw new PostamatError('invalid-state', 'nothing is owed on this rental');
      return this.take(method, {
        orderId: order.id,
        stepId: step.id,
        purpose: 'rental-overdue',
        amountKopecks: owed,
        detail: { actorId: order.id },
      });
    });
  }

  /** The person at the screen still holds this new rental's code (not lost to a restart). */
  holdsRentalCode(paymentId: string): boolean {
    return this.rentalCodes.has(paymentId);
  }

  /** What the kiosk shows for a payment; a new rental's code is handed out once. */
  view(paymentId: string) {
    const p = this.ctx.store.payments.get(paymentId);
    if (!p) return fail('not-found', `no payment ${paymentId}`);
    const code = p.state === 'approved' ? this.rentalCodes.get(paymentId) : undefined;
    if (code) this.rentalCodes.delete(paymentId);
    const ops = p.stepId
      ? this.ctx.store.doorOps.active().filter((o) => o.stepId === p.stepId)
      : [];
    return {
      ok: true as const,
      paymentId,
      method: p.method,
      purpose: p.purpose,
      amountKopecks: p.amountKopecks,
      state: p.state,
      failure: p.failure,
      qrPayload: p.qrPayload,
      payableUntil: p.payableUntil,
      cellIds: ops.map((o) => o.cellId),
      ...(code ? { code } : {}),
    };
  }

  /** Writes a result, then fires the doors it began and tells the screen. */
  finish(paymentId: string, outcome: Settlement, recovered = false): PaymentRow | undefined {
    const r = settle(this.ctx, paymentId, outcome, { recovered });
    for (const id of r.opIds) this.ctx.doors.fire(id);
    if (r.applied) this.announce(r.payment);
    return r.payment;
  }

  announce(p: PaymentRow | undefined): void {
    if (!p) return;
    const state =
      p.state === 'intent' ? 'in-progress' : p.state === 'refund-pending' ? 'failed' : p.state;
    this.ctx.events.emit({
      type: 'payment',
      paymentId: p.paymentId,
      state,
      ...(p.failure ? { reason: p.failure } : p.refundReason ? { reason: 'refund' } : {}),
    });
  }

  private async take(
    method: string,
    intent: {
      orderId: string;
      stepId: string | null;
      purpose: PaymentPurpose;
      amountKopecks: number;
      detail: Record<string, unknown>;
    },
    rentalCode?: string,
  ): Promise<PaymentAnswer> {
    const open = this.ctx.store.payments.ofOrder(intent.orderId).find((p) => p.state === 'intent');
    if (method === 'sbp') return this.startSbp(intent, open, rentalCode);
    if (method !== 'pos' || !this.channels.terminal) {
      throw new PostamatError('payments-unavailable', `no ${method} payments at this locker`, {
        field: 'method',
      });
    }
    // INVARIANT: one unresolved payment per order: a second card is never charged while the
    // first one's fate is unknown.
    if (open) {
      throw new PostamatError('payment-failed', 'an earlier payment is still being checked', {
        reason: 'connection-lost',
        paymentId: open.paymentId,
      });
    }
    const terminal = this.channels.terminal;
    // Offline, ask the terminal afresh whether it can approve without its bank host.
    const fresh = !this.online() || !terminal.connection().connected;
    const link = fresh ? await terminal.refreshInfo() : terminal.connection();
    if (!link.connected) {
      throw new PostamatError('payments-unavailable', 'the card terminal is not answering');
    }
    if (!this.online() && !link.offlineCapable) {
      throw new PostamatError('needs-network', 'card payments need the network right now');
    }
    const p = recordIntent(this.ctx, { ...intent, method: 'pos' });
    if (rentalCode) this.rentalCodes.set(p.paymentId, rentalCode);
    this.inFlight.add(p.paymentId);
    let outcome: Awaited<ReturnType<PaymentTerminal['sale']>>;
    try {
      outcome = await terminal.sale(p.paymentId, p.amountKopecks, (stage) =>
        this.ctx.events.emit({
          type: 'payment',
          paymentId: p.paymentId,
          state: 'in-progress',
          stage,
        }),
      );
    } finally {
      this.inFlight.delete(p.paymentId);
    }
    if (outcome.status === 'unknown') {
      // Left as an intent: recovery asks the terminal's journal and settles it.
      throw new PostamatError('payment-failed', FAILURE_TEXT['connection-lost']!, {
        reason: 'connection-lost',
        paymentId: p.paymentId,
      });
    }
    const settled = this.finish(
      p.paymentId,
      outcome.status === 'approved'
        ? { approved: true, providerRef: outcome.providerRef }
        : {
            approved: false,
            reason: outcome.reason,
            ...(outcome.detail ? { detail: outcome.detail } : {}),
          },
    );
    return this.answer(settled, p.paymentId);
  }

  private startSbp(
    intent: Parameters<PaymentDesk['take']>[1],
    open: PaymentRow | undefined,
    rentalCode: string | undefined,
  ): PaymentAnswer {
    if (!this.channels.sbp) {
      throw new PostamatError('payments-unavailable', 'no SBP payments at this locker', {
        field: 'method',
      });
    }
    if (!this.online()) {
      throw new PostamatError('needs-network', 'SBP payments need the network');
    }
    // The person came back to the QR screen: the same payment, not a second one.
    const p = open?.method === 'sbp' ? open : recordIntent(this.ctx, { ...intent, method: 'sbp' });
    if (open && open.method !== 'sbp') {
      throw new PostamatError('payment-failed', 'an earlier payment is still being checked', {
        reason: 'connection-lost',
        paymentId: open.paymentId,
      });
    }
    if (rentalCode && p !== open) this.rentalCodes.set(p.paymentId, rentalCode);
    return {
      ok: true,
      paymentId: p.paymentId,
      method: 'sbp',
      amountKopecks: p.amountKopecks,
      state: 'waiting',
      cellIds: [],
      opIds: [],
    };
  }

  private answer(p: PaymentRow | undefined, paymentId: string): PaymentAnswer {
    if (p?.state === 'approved') {
      const v = this.view(paymentId);
      const ops = p.stepId
        ? this.ctx.store.doorOps.active().filter((o) => o.stepId === p.stepId)
        : [];
      return {
        ok: true,
        paymentId,
        method: p.method,
        amountKopecks: p.amountKopecks,
        state: 'approved',
        cellIds: ops.map((o) => o.cellId),
        opIds: ops.map((o) => o.id),
        ...(v.ok && v.code ? { code: v.code } : {}),
      };
    }
    if (p?.state === 'refund-pending' || p?.state === 'refund-requested') {
      return fail('no-free-cell', 'paid, but no cell could open: the money is being returned', {
        reason: 'refund',
        paymentId,
      });
    }
    const reason = p?.failure ?? 'declined';
    return fail('payment-failed', FAILURE_TEXT[reason] ?? `payment failed: ${reason}`, {
      reason,
      paymentId,
    });
  }
}
