import { EventEmitter } from 'node:events';
import type { SerialBinding } from '../../bus/serial-binding.ts';
import { encodeFrame, FrameDecoder } from '../ecr-frame.ts';
import { type EcrAnswer, type EcrRequest, ecrRequestSchema } from '../ecr-messages.ts';

/**
 * TEST SUPPORT — a card terminal on the far end of a serial line (a pty in tests and demos). It
 * behaves like the real thing where the agent can tell: it shows progress, approves or declines,
 * lets a card never come (timeout, then a cancel), and can lose its link right after approving.
 * Its journal outlives the agent, so `status` answers after the agent crashed.
 *
 * Modes (for every following sale, until changed):
 * - `approve` / `decline`: progress, then the result;
 * - `timeout`: "insert card" and then nothing; a `cancel` cancels the sale;
 * - `drop`: approves in its journal, then goes silent until `reconnect()` (the link is lost).
 */
export type TerminalMode = 'approve' | 'decline' | 'timeout' | 'drop';

export interface JournalEntry {
  readonly paymentId: string;
  readonly amountKopecks: number;
  state: 'in-progress' | 'approved' | 'declined' | 'cancelled' | 'refunded';
  readonly rrn: string;
  refundRrn?: string;
}

export class SimulatedTerminal extends EventEmitter<{
  approved: [JournalEntry];
  request: [EcrRequest];
}> {
  mode: TerminalMode = 'approve';
  offlineCapable = false;
  private readonly decoder = new FrameDecoder();
  private readonly journal = new Map<string, JournalEntry>();
  private silent = false;
  private rrn = 100_000;

  constructor(private readonly line: SerialBinding) {
    super();
    line.onData((bytes) => {
      for (const raw of this.decoder.push(bytes)) {
        const parsed = ecrRequestSchema.safeParse(raw);
        if (parsed.success) this.onRequest(parsed.data);
      }
    });
  }

  /** Every payment the terminal has seen, as its own journal holds it. */
  entries(): JournalEntry[] {
    return [...this.journal.values()];
  }

  /** Card charges that stand (approved and not refunded). */
  charges(): JournalEntry[] {
    return this.entries().filter((e) => e.state === 'approved');
  }

  /** The cable is pulled: nothing is heard or answered until `reconnect()`. */
  unplug(): void {
    this.silent = true;
  }

  /** The link is back after a `drop` or `unplug`. */
  reconnect(): void {
    this.silent = false;
  }

  close(): Promise<void> {
    return this.line.close();
  }

  private onRequest(request: EcrRequest): void {
    if (this.silent) return;
    this.emit('request', request);
    switch (request.type) {
      case 'info':
        this.send({
          type: 'info',
          id: request.id,
          offlineCapable: this.offlineCapable,
          model: 'postamat-sim-pos',
        });
        return;
      case 'sale':
        this.sale(request);
        return;
      case 'cancel':
        this.cancel(request);
        return;
      case 'status':
        this.status(request);
        return;
      case 'refund':
        this.refund(request);
        return;
    }
  }

  private sale(r: Extract<EcrRequest, { type: 'sale' }>): void {
    const known = this.journal.get(r.paymentId);
    // A repeated sale of a payment id the terminal already journaled is answered from the
    // journal: one payment id is never charged twice.
    if (known && known.state !== 'in-progress') {
      this.sendResult(r.id, known);
      return;
    }
    const entry: JournalEntry = {
      paymentId: r.paymentId,
      amountKopecks: r.amountKopecks,
      state: 'in-progress',
      rrn: String(this.rrn++),
    };
    this.journal.set(r.paymentId, entry);
    this.send({ type: 'progress', id: r.id, paymentId: r.paymentId, stage: 'insert-card' });
    if (this.mode === 'timeout') return;
    this.send({ type: 'progress', id: r.id, paymentId: r.paymentId, stage: 'authorizing' });
    entry.state = this.mode === 'decline' ? 'declined' : 'approved';
    if (entry.state === 'approved') this.emit('approved', entry);
    if (this.mode === 'drop') {
      this.silent = true;
      return;
    }
    this.sendResult(r.id, entry);
  }

  private cancel(r: Extract<EcrRequest, { type: 'cancel' }>): void {
    const entry = this.journal.get(r.paymentId);
    if (entry?.state === 'in-progress') entry.state = 'cancelled';
    if (entry) this.sendResult(r.id, entry);
  }

  private status(r: Extract<EcrRequest, { type: 'status' }>): void {
    const e = this.journal.get(r.paymentId);
    this.send(
      e
        ? {
            type: 'status',
            id: r.id,
            paymentId: r.paymentId,
            state: e.state,
            rrn: e.rrn,
            amountKopecks: e.amountKopecks,
          }
        : { type: 'status', id: r.id, paymentId: r.paymentId, state: 'unknown' },
    );
  }

  private refund(r: Extract<EcrRequest, { type: 'refund' }>): void {
    const e = this.journal.get(r.paymentId);
    const ok =
      e !== undefined &&
      (e.state === 'approved' || e.state === 'refunded') &&
      e.amountKopecks === r.amountKopecks;
    if (ok && e.state === 'approved') {
      e.state = 'refunded';
      e.refundRrn = String(this.rrn++);
    }
    this.send({
      type: 'refund-result',
      id: r.id,
      paymentId: r.paymentId,
      refunded: ok,
      ...(ok ? { rrn: e.refundRrn! } : {}),
    });
  }

  private sendResult(id: number, e: JournalEntry): void {
    const approved = e.state === 'approved' || e.state === 'refunded';
    this.send({
      type: 'result',
      id,
      paymentId: e.paymentId,
      approved,
      ...(approved
        ? { rrn: e.rrn }
        : { reason: e.state === 'cancelled' ? 'cancelled' : 'declined' }),
      ...(e.state === 'declined' ? { detail: 'insufficient funds' } : {}),
    });
  }

  private send(answer: EcrAnswer): void {
    void this.line.write(encodeFrame(answer)).catch(() => {});
  }
}
