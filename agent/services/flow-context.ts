import type { Logger } from 'pino';
import type { Clock } from '../../protocol/index.ts';
import type { KeypadPolicy } from '../domain/keypad-lockout.ts';
import type { LockBoard } from '../drivers/lock-board.ts';
import type { Store } from '../store/store.ts';
import type { AgentEvents } from './agent-events.ts';
import type { DoorController } from './door-controller.ts';
import type { Hasher } from './hasher.ts';
import type { OrderProgress } from './order-progress.ts';
import type { PaymentProvider } from './payment-provider.ts';
import type { Sessions } from './sessions.ts';

/** Everything a flow needs, wired once by the Agent. */
export interface FlowContext {
  readonly lockerId: string;
  readonly store: Store;
  readonly doors: DoorController;
  readonly progress: OrderProgress;
  readonly boards: ReadonlyMap<string, LockBoard>;
  readonly clock: Clock;
  readonly hash: Hasher;
  readonly sessions: Sessions;
  readonly keypad: KeypadPolicy;
  readonly payments: PaymentProvider;
  readonly events: AgentEvents;
  readonly log: Logger;
}

/** Commits `fn` (which begins door ops), then pulses the locks it asked for. */
export function commitThenOpen<T extends { opIds: readonly number[] }>(
  ctx: FlowContext,
  fn: () => T,
): T {
  const result = ctx.store.transaction(fn);
  for (const id of result.opIds) ctx.doors.fire(id);
  return result;
}
