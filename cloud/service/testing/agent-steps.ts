import type { AgentProcess } from '../../../agent/testing/agent-process.ts';
import { waitFor } from '../../mqtt/test-support/wait-for.ts';

/** TEST SUPPORT — what people do at the locker, through the agent's stdio control. */
export async function courierDeposits(
  agent: AgentProcess,
  dailyCode: string,
  barcode: string,
  timeoutMs: number,
): Promise<void> {
  let session: { ok: boolean; session?: { id: string } } = { ok: false };
  await waitFor(
    async () => {
      session = await agent.call('courierLogin', { pin: dailyCode });
      return session.ok;
    },
    'the courier credential at the locker',
    timeoutMs,
  );
  const scanned = await agent.call<{ ok: boolean }>('scanParcel', session.session?.id, barcode);
  if (!scanned.ok) throw new Error(`scan refused: ${JSON.stringify(scanned)}`);
}

export async function agentOrderStatus(agent: AgentProcess, orderId: string) {
  return agent.call<string | null>('orderStatus', orderId);
}

export async function waitAgentOrder(
  agent: AgentProcess,
  orderId: string,
  accept: (status: string | null) => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  await waitFor(async () => accept(await agentOrderStatus(agent, orderId)), what, timeoutMs);
}
