import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { commandSchema, syncMessageSchema } from '../../protocol/index.ts';
import type { Agent } from '../agent.ts';

/**
 * JSON-lines access to the Agent's flows: `{"id":1,"method":"enterCode","args":["123456"]}` in,
 * `{"id":1,"result":…}` out. For scripts, demos and the crash test; the kiosk will use its own
 * local transport. Only the listed methods are reachable.
 */
const METHODS = {
  courierLogin: (a: Agent, args: unknown[]) =>
    a.courierLogin(args[0] as { badge?: string; pin: string }),
  technicianLogin: (a: Agent, args: unknown[]) => a.technicianLogin(String(args[0])),
  logout: (a: Agent, args: unknown[]) => a.logout(String(args[0])),
  scanParcel: (a: Agent, args: unknown[]) => a.scanParcel(String(args[0]), String(args[1])),
  doesNotFit: (a: Agent, args: unknown[]) => a.doesNotFit(String(args[0]), String(args[1])),
  courierCollectable: (a: Agent, args: unknown[]) => a.courierCollectable(String(args[0])),
  courierCollect: (a: Agent, args: unknown[]) => a.courierCollect(String(args[0]), String(args[1])),
  enterCode: (a: Agent, args: unknown[]) => a.enterCode(String(args[0])),
  collectByQr: (a: Agent, args: unknown[]) => a.collectByQr(String(args[0])),
  startRental: (a: Agent, args: unknown[]) =>
    a.startRental(args[0] as { size: string; hours: number; paymentMethod: string }),
  rentalOpen: (a: Agent, args: unknown[]) => a.rentalOpen(String(args[0]), args[1] === true),
  paymentOptions: (a: Agent) => a.paymentOptions(),
  payCod: (a: Agent, args: unknown[]) => a.payCod(String(args[0]), String(args[1])),
  payRental: (a: Agent, args: unknown[]) =>
    a.payRental(args[0] as { size: string; hours: number; method: string }),
  payOverdue: (a: Agent, args: unknown[]) => a.payOverdue(String(args[0]), String(args[1])),
  payment: (a: Agent, args: unknown[]) => a.payment(String(args[0])),
  offerReceipt: (a: Agent, args: unknown[]) =>
    a.offerReceipt(args[0] as { paymentId: string; channel: string; contact: string }),
  recoverPayments: async (a: Agent) => {
    await a.recoverPayments();
    return true;
  },
  technicianOpen: (a: Agent, args: unknown[]) =>
    a.technicianOpen(String(args[0]), String(args[1]), String(args[2])),
  orderStatus: (a: Agent, args: unknown[]) => a.orderStatus(String(args[0])) ?? null,
  cells: (a: Agent) => a.cells(),
  metrics: (a: Agent) => a.metrics(),
  applySync: (a: Agent, args: unknown[]) => {
    a.sync.applySync(syncMessageSchema.parse(args[0]));
    return { version: a.sync.syncVersion() };
  },
  syncVersion: (a: Agent) => a.sync.syncVersion(),
  handleCommand: (a: Agent, args: unknown[]) =>
    a.commands.handle(commandSchema.parse(args[0]), Date.now()),
  outbox: (a: Agent, args: unknown[]) =>
    a.outbox.pending(Number(args[0] ?? 0), Number(args[1] ?? 1000)),
} as const;

export function serveStdioControl(agent: Agent, input: Readable, output: Writable): () => void {
  const rl = createInterface({ input });
  rl.on('line', (line) => {
    let id: unknown = null;
    void (async () => {
      try {
        const req = JSON.parse(line) as { id: unknown; method: string; args?: unknown[] };
        id = req.id;
        const fn = METHODS[req.method as keyof typeof METHODS];
        if (!fn) throw new Error(`unknown method ${req.method}`);
        const result = await fn(agent, req.args ?? []);
        output.write(`${JSON.stringify({ id, result })}\n`);
      } catch (error) {
        output.write(`${JSON.stringify({ id, error: (error as Error).message })}\n`);
      }
    })();
  });
  return () => rl.close();
}
