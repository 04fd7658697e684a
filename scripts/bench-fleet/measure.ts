import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** BENCH SUPPORT — figures and the conditions they were taken in. */
export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** Resident memory of a process, bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/**
 * CPU seconds a process has used (user + system, /proc/PID/stat in 1/100 s ticks): the work a
 * phase cost, which varies less from run to run than its wall time on a shared host.
 */
export function cpuSecondsOf(pid: number): number {
  // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One figure as a row: what, value, target or reference, load average when taken. */
export interface Row {
  readonly config: string;
  readonly what: string;
  readonly value: string;
  readonly versus: string;
  readonly load: string;
}

export function printRows(rows: readonly Row[]): void {
  const widths = [24, 44, 16, 30, 16];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 10))
      .join(' ')
      .trimEnd();
  console.log(line(['config', 'figure', 'value', 'target / reference', 'load (1/5/15)']));
  for (const r of rows) console.log(line([r.config, r.what, r.value, r.versus, r.load]));
}
