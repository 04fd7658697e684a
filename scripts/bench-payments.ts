/**
 * `npm run bench:payments` — a card payment at the locker, measured where the locker adds time:
 * the ECR round trip to the simulated terminal over a real pty (floor: a bare `info` exchange on
 * the same line), and the whole COD payment through the Agent (intent committed, sale, result +
 * door ops committed in one transaction). The person and the bank are not in it.
 */

import { DEFAULT_SERIAL } from '../agent/drivers/bus/rtu-timing.ts';
import { serialPortBinding } from '../agent/drivers/bus/serial-port-binding.ts';
import { EcrTerminal } from '../agent/drivers/payment-terminal/ecr-terminal.ts';
import { terminalOnPty } from '../agent/drivers/payment-terminal/testing/terminal-on-pty.ts';
import { makePaymentRig } from '../agent/testing/payment-rig.ts';

const N = Number(process.env.BENCH_N ?? 200);

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(2);
  return { p50: at(0.5), p99: at(0.99) };
}

async function ecrRoundTrips() {
  const pty = await terminalOnPty();
  const ecr = new EcrTerminal({ binding: serialPortBinding(pty.agentPath, DEFAULT_SERIAL) });
  const info: number[] = [];
  const sale: number[] = [];
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    await ecr.refreshInfo();
    info.push(performance.now() - t);
    t = performance.now();
    await ecr.sale(`bench-${i}`, 100);
    sale.push(performance.now() - t);
  }
  await ecr.close();
  await pty.close();
  return { info: summary(info), sale: summary(sale) };
}

async function codPayments() {
  const rig = await makePaymentRig();
  const times: number[] = [];
  try {
    for (let i = 0; i < Math.min(N, 6); i++) {
      await rig.delivered(`O${i}`, String(100000 + i), 10_000);
      const t = performance.now();
      const r = await rig.agent.payCod(String(100000 + i), 'pos');
      times.push(performance.now() - t);
      if (!r.ok) throw new Error(r.code);
      await rig.waitFor((e) => e.type === 'door' && e.door === 'open');
      rig.sim.closeDoor(Number(r.cellIds[0]?.slice(1)));
      await rig.waitFor((e) => e.type === 'step' && e.stepId === `O${i}/2`);
      rig.fresh();
    }
  } finally {
    await rig.close();
  }
  return summary(times);
}

const ecr = await ecrRoundTrips();
const cod = await codPayments();
console.log(`ECR over a pty, ${N} exchanges each (ms):`);
console.log(`  info round trip (floor)       p50 ${ecr.info.p50}  p99 ${ecr.info.p99}`);
console.log(`  sale (2 progress + result)    p50 ${ecr.sale.p50}  p99 ${ecr.sale.p99}`);
console.log(`COD payment through the Agent, 6 pickups (ms): p50 ${cod.p50}  max ${cod.p99}`);
