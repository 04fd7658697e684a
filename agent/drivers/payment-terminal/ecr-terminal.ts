import { PostamatError } from '../../../protocol/index.ts';
import type { SerialBinding, SerialBindingFactory } from '../bus/serial-binding.ts';
import { encodeFrame, FrameDecoder } from './ecr-frame.ts';
import {
  type EcrAnswer,
  type EcrRequest,
  ecrAnswerSchema,
  type TerminalStage,
} from './ecr-messages.ts';
import type {
  PaymentTerminal,
  RefundOutcome,
  SaleOutcome,
  TerminalConnection,
  TerminalPaymentStatus,
} from './payment-terminal.ts';

export interface EcrTerminalOptions {
  readonly binding: SerialBindingFactory;
  /** How long a person may take to present the card and the bank to answer. */
  readonly saleTimeoutMs?: number;
  /** How long any other request waits for its answer. */
  readonly answerTimeoutMs?: number;
}

type Pending = {
  readonly accept: (a: EcrAnswer) => boolean;
  readonly resolve: (a: EcrAnswer) => void;
  readonly onStage?: ((stage: TerminalStage) => void) | undefined;
};

/**
 * The terminal over a serial port, speaking ECR frames (ecr-frame.ts, ecr-messages.ts). The port
 * is opened on first use and reopened after it went away, so an unplugged terminal is reported
 * as "not connected" and recovers by itself when plugged back.
 */
export class EcrTerminal implements PaymentTerminal {
  private port: SerialBinding | undefined;
  private opening: Promise<SerialBinding> | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private connected = false;
  private offlineCapable = false;
  private timeouts = 0;

  constructor(private readonly o: EcrTerminalOptions) {}

  async sale(paymentId: string, amountKopecks: number, onStage?: (s: TerminalStage) => void) {
    const saleMs = this.o.saleTimeoutMs ?? 60_000;
    const answer = await this.ask({ type: 'sale', paymentId, amountKopecks }, saleMs, onStage);
    if (answer?.type === 'result') return outcomeOf(answer);
    // No result in time: cancel on the terminal. Its answer says what really happened (a card
    // tapped at the last instant is approved, and then it is approved for us too).
    const cancelled = await this.ask({ type: 'cancel', paymentId });
    if (cancelled?.type === 'result') {
      return cancelled.approved
        ? outcomeOf(cancelled)
        : { status: 'declined' as const, reason: 'timeout' as const };
    }
    return { status: 'unknown' as const, reason: 'connection-lost' as const };
  }

  async cancel(paymentId: string): Promise<SaleOutcome> {
    const answer = await this.ask({ type: 'cancel', paymentId });
    if (answer?.type === 'result') return outcomeOf(answer);
    return { status: 'unknown', reason: 'connection-lost' };
  }

  async status(paymentId: string): Promise<TerminalPaymentStatus> {
    const answer = await this.ask({ type: 'status', paymentId });
    if (answer?.type !== 'status') {
      throw new PostamatError('timeout', `payment terminal did not answer status of ${paymentId}`);
    }
    return answer.state === 'approved'
      ? {
          state: 'approved',
          providerRef: answer.rrn ?? paymentId,
          ...(answer.amountKopecks ? { amountKopecks: answer.amountKopecks } : {}),
        }
      : { state: answer.state };
  }

  async refund(paymentId: string, amountKopecks: number): Promise<RefundOutcome> {
    const answer = await this.ask({ type: 'refund', paymentId, amountKopecks });
    if (answer?.type !== 'refund-result') return { refunded: false, detail: 'no answer' };
    return answer.refunded
      ? { refunded: true, providerRef: answer.rrn ?? paymentId }
      : { refunded: false, detail: 'terminal refused the refund' };
  }

  /** Asks the terminal what it can do; called at start and whenever the flows want to know. */
  async refreshInfo(): Promise<TerminalConnection> {
    const answer = await this.ask({ type: 'info' });
    if (answer?.type === 'info') this.offlineCapable = answer.offlineCapable;
    return this.connection();
  }

  connection(): TerminalConnection {
    return {
      connected: this.connected,
      offlineCapable: this.offlineCapable,
      timeouts: this.timeouts,
      crcErrors: this.decoder.counters.crcErrors,
    };
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    await port?.close();
  }

  /** Sends one request; resolves with its final answer, or undefined after `timeoutMs` of silence. */
  private async ask(
    request: DistributiveOmit<EcrRequest, 'id'>,
    timeoutMs = this.o.answerTimeoutMs ?? 3_000,
    onStage?: (s: TerminalStage) => void,
  ): Promise<EcrAnswer | undefined> {
    const id = this.nextId++;
    let port: SerialBinding;
    try {
      port = await this.open();
    } catch {
      this.connected = false;
      return undefined;
    }
    return new Promise((resolve) => {
      const finish = (answer: EcrAnswer | undefined) => {
        clearTimeout(timer);
        this.pending.delete(id);
        this.connected = answer !== undefined;
        if (!answer) this.timeouts++;
        resolve(answer);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finalType = {
        sale: 'result',
        cancel: 'result',
        status: 'status',
        refund: 'refund-result',
        info: 'info',
      }[request.type];
      this.pending.set(id, { accept: (a) => a.type === finalType, resolve: finish, onStage });
      port.write(encodeFrame({ ...request, id })).catch(() => finish(undefined));
    });
  }

  private open(): Promise<SerialBinding> {
    if (this.port) return Promise.resolve(this.port);
    this.opening ??= this.o.binding().then(
      (port) => {
        this.opening = undefined;
        this.port = port;
        port.onData((bytes) => this.onBytes(bytes));
        port.onClose(() => {
          this.port = undefined;
          this.connected = false;
        });
        return port;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  private onBytes(bytes: Uint8Array): void {
    for (const raw of this.decoder.push(bytes)) {
      const parsed = ecrAnswerSchema.safeParse(raw);
      if (!parsed.success) continue;
      const answer = parsed.data;
      const waiting = this.pending.get(answer.id);
      if (!waiting) continue; // an answer to a request a previous run (or a timeout) gave up on
      if (answer.type === 'progress') waiting.onStage?.(answer.stage);
      else if (waiting.accept(answer)) waiting.resolve(answer);
    }
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function outcomeOf(answer: Extract<EcrAnswer, { type: 'result' }>): SaleOutcome {
  if (answer.approved) return { status: 'approved', providerRef: answer.rrn ?? answer.paymentId };
  return {
    status: 'declined',
    reason: answer.reason ?? 'declined',
    ...(answer.detail ? { detail: answer.detail } : {}),
  };
}
