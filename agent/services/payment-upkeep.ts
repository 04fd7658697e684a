import type { PaymentFailure } from '../../protocol/index.ts';
import type { PaymentRow } from '../store/payments-repo.ts';
import type { FlowContext } from './flow-context.ts';
import type { PaymentDesk } from './payment-desk.ts';
import { recordRefunded } from './payment-ledger.ts';

/**
 * What keeps payments honest between and after flows: card payments left unresolved (a crash,
 * a lost link) are settled from the terminal's own journal; refunds owed are made at the
 * terminal; SBP payments the cloud never confirmed expire. Runs at start and from the tick.
 */
export class PaymentUpkeep {
  private running: Promise<void> | undefined;
  private readonly lastAsked = new Map<string, number>();

  constructor(
    private readonly ctx: FlowContext,
    private readonly desk: PaymentDesk,
    private readonly retryMs = 5_000,
  ) {}

  /** Cheap when nothing is pending: one indexed query per state. */
  tick(now: number): void {
    this.expireSbp(now);
    if (this.running || !this.desk.channels.terminal) return;
    const pending = this.ctx.store.payments.inState('intent').some((p) => this.due(p, now));
    if (pending || this.ctx.store.payments.inState('refund-pending').length > 0) void this.run();
  }

  /** Resolves every unresolved card payment and owed refund it can; awaited at start. */
  run(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private due(p: PaymentRow, now: number): boolean {
    if (p.method !== 'pos' || this.desk.inFlight.has(p.paymentId)) return false;
    return now - (this.lastAsked.get(p.paymentId) ?? 0) >= this.retryMs;
  }

  private async pass(): Promise<void> {
    const terminal = this.desk.channels.terminal;
    if (!terminal) return;
    const now = this.ctx.clock.now();
    for (const p of this.ctx.store.payments.inState('intent').filter((x) => this.due(x, now))) {
      this.lastAsked.set(p.paymentId, now);
      let status = await terminal.status(p.paymentId).catch(() => undefined);
      if (status?.state === 'in-progress') {
        // Nobody is waiting on this sale any more (we were restarted): stop it at the terminal.
        const cancelled = await terminal.cancel(p.paymentId);
        if (cancelled.status === 'unknown') continue;
        status =
          cancelled.status === 'approved'
            ? { state: 'approved', providerRef: cancelled.providerRef }
            : { state: 'cancelled' };
      }
      if (!status) continue; // unreachable: asked again on a later tick
      this.ctx.log.info({
        event: 'payment-recovered',
        paymentId: p.paymentId,
        terminal: status.state,
      });
      // INVARIANT: approved at the terminal ⇒ approved here, with the step's doors, exactly once.
      const recovered = !this.desk.holdsRentalCode(p.paymentId);
      if (status.state === 'approved') {
        this.desk.finish(
          p.paymentId,
          { approved: true, providerRef: status.providerRef },
          recovered,
        );
      } else {
        const reason: PaymentFailure = status.state === 'declined' ? 'declined' : 'cancelled';
        this.desk.finish(p.paymentId, {
          approved: false,
          reason,
          detail: `terminal: ${status.state}`,
        });
      }
      this.lastAsked.delete(p.paymentId);
    }
    for (const p of this.ctx.store.payments.inState('refund-pending')) {
      const r = await terminal.refund(p.paymentId, p.amountKopecks).catch(() => undefined);
      if (!r?.refunded) continue;
      recordRefunded(this.ctx, p.paymentId, r.providerRef);
      this.desk.announce(this.ctx.store.payments.get(p.paymentId));
    }
  }

  /** An SBP payment not confirmed by its QR's deadline (or never given a QR) fails `expired`. */
  private expireSbp(now: number): void {
    const timeout = this.desk.channels.sbpTimeoutMs ?? 300_000;
    for (const p of this.ctx.store.payments.inState('intent')) {
      if (p.method !== 'sbp') continue;
      const deadline = p.payableUntil ?? p.createdAt + timeout;
      if (now > deadline) this.desk.finish(p.paymentId, { approved: false, reason: 'expired' });
    }
  }
}
