import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AgentConfig } from '../../agent/config.ts';
import { type FleetStats, sumStats } from './fleet-group.ts';
import type { FleetCommand, FleetReport } from './fleet-wire.ts';

const WORKER = new URL('./fleet-worker.ts', import.meta.url).pathname;

export interface FleetProcessOptions {
  readonly configs: readonly AgentConfig[];
  /** Where the configs are written for the processes to read (a temp file). */
  readonly configsFile: string;
  readonly perProcess?: number;
  readonly url?: string;
  readonly protocolVersion?: 4 | 5;
  readonly tickMs?: number;
  readonly statusIntervalMs?: number;
}

/** One child process of the fleet and its latest report. */
class Child {
  stats: FleetStats | undefined;
  /** Called after every stats report. */
  readonly onReport = new Set<() => void>();
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  private markReady: () => void = () => {};

  constructor(readonly proc: ChildProcess) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    createInterface({ input: proc.stdout! }).on('line', (line) => this.onLine(line));
  }

  send(command: FleetCommand): void {
    this.proc.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  private onLine(line: string): void {
    const report = JSON.parse(line) as FleetReport;
    if (report.event === 'ready') this.markReady();
    if (report.event === 'stats') {
      this.stats = report as unknown as FleetStats;
      for (const listener of this.onReport) listener();
    }
  }
}

/**
 * The fleet split over child processes of at most `perProcess` lockers (5,000 by default: one
 * socket per locker under the 20,000-file limit, and a second core can take part).
 */
export class FleetProcesses {
  private bursts = 0;

  private constructor(private readonly children: Child[]) {}

  static async start(options: FleetProcessOptions): Promise<FleetProcesses> {
    writeFileSync(options.configsFile, JSON.stringify(options.configs));
    const per = options.perProcess ?? 5_000;
    const children: Child[] = [];
    for (let from = 0; from < options.configs.length; from += per) {
      const proc = spawn(process.execPath, ['--import', 'tsx', WORKER], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const child = new Child(proc);
      child.send({
        cmd: 'init',
        configsFile: options.configsFile,
        from,
        to: Math.min(options.configs.length, from + per),
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.protocolVersion === undefined
          ? {}
          : { protocolVersion: options.protocolVersion }),
        tickMs: options.tickMs ?? 5_000,
        statusIntervalMs: options.statusIntervalMs ?? 300_000,
      });
      children.push(child);
    }
    await Promise.all(children.map((c) => c.ready));
    return new FleetProcesses(children);
  }

  /** Every locker starts connecting at once. */
  connectAll(): void {
    for (const child of this.children) child.send({ cmd: 'start' });
  }

  /** Background traffic across the fleet, events per second (split evenly). */
  setRate(rate: number): void {
    for (const child of this.children)
      child.send({ cmd: 'rate', rate: rate / this.children.length });
  }

  /**
   * `perLocker` deposits at once on every locker; resolves with the first stats that count them
   * (so "written" includes the whole burst: a report sent before it cannot satisfy a waiter).
   */
  async burst(perLocker: number): Promise<FleetStats> {
    this.bursts += 1;
    const expected = this.bursts * this.children.length;
    for (const child of this.children) child.send({ cmd: 'burst', perLocker });
    return this.until((s) => s.bursts >= expected, 'the burst written', 120_000);
  }

  drop(share: number): void {
    for (const child of this.children) child.send({ cmd: 'drop', share });
  }

  /** The latest reports summed; undefined until every process reported once. */
  stats(): FleetStats | undefined {
    const all = this.children.map((c) => c.stats);
    if (all.some((s) => s === undefined)) return undefined;
    return sumStats(all as FleetStats[]);
  }

  /** Waits until a condition on the summed stats holds; checked on every report. */
  until(
    condition: (s: FleetStats) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<FleetStats> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        for (const child of this.children) child.onReport.delete(check);
      };
      const check = () => {
        const s = this.stats();
        if (s === undefined || !condition(s)) return;
        done();
        resolve(s);
      };
      const timer = setTimeout(() => {
        done();
        const s = JSON.stringify(this.stats());
        reject(new Error(`fleet: timed out after ${timeoutMs} ms waiting for ${what}: ${s}`));
      }, timeoutMs);
      for (const child of this.children) child.onReport.add(check);
      check();
    });
  }

  /** Fresh reports only: waits for the next half-second report of every process. */
  async fresh(): Promise<FleetStats> {
    for (const child of this.children) child.stats = undefined;
    return this.until(() => true, 'fresh reports', 10_000);
  }

  async stop(): Promise<void> {
    for (const child of this.children) child.send({ cmd: 'stop' });
    await Promise.all(
      this.children.map((c) =>
        Promise.race([
          c.exited,
          new Promise((resolve) => setTimeout(resolve, 20_000).unref()).then(() => c.proc.kill()),
        ]),
      ),
    );
  }
}
