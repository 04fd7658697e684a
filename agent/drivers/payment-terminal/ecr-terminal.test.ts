import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERIAL } from '../bus/rtu-timing.ts';
import { serialPortBinding } from '../bus/serial-port-binding.ts';
import { encodeFrame, FrameDecoder } from './ecr-frame.ts';
import type { TerminalStage } from './ecr-messages.ts';
import { EcrTerminal } from './ecr-terminal.ts';
import type { SimulatedTerminal } from './testing/simulated-terminal.ts';
import { terminalOnPty } from './testing/terminal-on-pty.ts';

describe('ECR frames', () => {
  it('finds frames in noise and chunks, and drops a corrupted one', () => {
    const good = encodeFrame({ type: 'info', id: 1 });
    const bad = encodeFrame({ type: 'info', id: 2 });
    bad[5] = (bad[5] ?? 0) ^ 0xff;
    const bytes = new Uint8Array([0x55, 0x00, ...bad, ...good]);
    const decoder = new FrameDecoder();
    const out = [...decoder.push(bytes.subarray(0, 7)), ...decoder.push(bytes.subarray(7))];
    expect(out).toEqual([{ type: 'info', id: 1 }]);
    expect(decoder.counters.crcErrors).toBe(1);
  });
});

describe('EcrTerminal with the simulated terminal on a real pty', () => {
  let sim: SimulatedTerminal;
  let ecr: EcrTerminal;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const t = await terminalOnPty();
    sim = t.terminal;
    close = t.close;
    ecr = new EcrTerminal({
      binding: serialPortBinding(t.agentPath, DEFAULT_SERIAL),
      saleTimeoutMs: 400,
      answerTimeoutMs: 400,
    });
  });
  afterAll(async () => {
    await ecr.close();
    await close();
  });

  it('approves with progress, and reports what the terminal can do', async () => {
    sim.offlineCapable = true;
    expect((await ecr.refreshInfo()).offlineCapable).toBe(true);
    sim.mode = 'approve';
    const stages: TerminalStage[] = [];
    const out = await ecr.sale('p-1', 15_000, (s) => stages.push(s));
    expect(out.status).toBe('approved');
    expect(stages).toEqual(['insert-card', 'authorizing']);
    expect(await ecr.status('p-1')).toMatchObject({ state: 'approved', amountKopecks: 15_000 });
  });

  it('a decline says so; a card that never comes times out and is cancelled', async () => {
    sim.mode = 'decline';
    expect(await ecr.sale('p-2', 100)).toMatchObject({ status: 'declined', reason: 'declined' });
    sim.mode = 'timeout';
    expect(await ecr.sale('p-3', 100)).toEqual({ status: 'declined', reason: 'timeout' });
    expect(await ecr.status('p-3')).toEqual({ state: 'cancelled' });
  });

  it('a link lost after approval is unknown, and status tells the truth once it is back', async () => {
    sim.mode = 'drop';
    expect(await ecr.sale('p-4', 700)).toEqual({ status: 'unknown', reason: 'connection-lost' });
    expect(ecr.connection().connected).toBe(false);
    await expect(ecr.status('p-4')).rejects.toThrow(/did not answer/);
    sim.reconnect();
    expect(await ecr.status('p-4')).toMatchObject({ state: 'approved' });
    expect(ecr.connection().connected).toBe(true);
  });

  it('refunds an approved payment once, and a repeated sale id is not charged again', async () => {
    sim.mode = 'approve';
    expect(await ecr.sale('p-1', 15_000)).toMatchObject({ status: 'approved' });
    expect(sim.entries().filter((e) => e.paymentId === 'p-1')).toHaveLength(1);
    expect(await ecr.refund('p-1', 15_000)).toMatchObject({ refunded: true });
    expect(await ecr.refund('p-1', 15_000)).toMatchObject({ refunded: true });
    expect(sim.charges().map((e) => e.paymentId)).toEqual(['p-4']);
    expect(await ecr.refund('p-2', 100)).toMatchObject({ refunded: false });
  });
});
