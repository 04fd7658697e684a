import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

/**
 * What the policy looks at (bytes): the process's resident memory, and V8's heap, committed and
 * in use, for the log line.
 */
export interface HeapReading {
  readonly rss: number;
  readonly committed: number;
  readonly used: number;
}

export interface CompactionPolicy {
  /** Resident memory has grown by this share over the last compaction's result… */
  readonly growth: number;
  /** …and by at least this many bytes. */
  readonly minGrowthBytes: number;
  /** Only when the event loop was busy less than this share of the last interval. */
  readonly maxUtilization: number;
  /** A round that gives back less than this ends the compaction. */
  readonly minRoundGainBytes: number;
  readonly maxRounds: number;
  /** At most one compaction in this long: each round is a full-GC pause. */
  readonly minIntervalMs: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = {
  growth: 0.25,
  minGrowthBytes: 32 * 1024 * 1024,
  maxUtilization: 0.5,
  minRoundGainBytes: 4 * 1024 * 1024,
  maxRounds: 8,
  minIntervalMs: 120_000,
};

/**
 * Pure: compact now? Only after resident memory grew well past what the last compaction left (a
 * connect storm, a burst) and once the event loop has calmed down — never in the middle of the
 * burst. Resident memory, not the V8 heap: after one storm V8 had shrunk its committed heap to
 * 161 MB on its own while the process still held 403 MB (memory outside the heap that dead objects
 * kept), 284 MB after full GCs — watching the heap, the compactor saw no growth and gave nothing
 * back.
 */
export function shouldCompact(
  now: HeapReading,
  baselineRss: number,
  utilization: number,
  policy: CompactionPolicy = DEFAULT_COMPACTION,
): boolean {
  const grown = now.rss - baselineRss;
  return (
    utilization < policy.maxUtilization &&
    grown >= policy.minGrowthBytes &&
    grown >= baselineRss * policy.growth
  );
}

export interface HeapCompactorOptions {
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly intervalMs?: number;
  readonly policy?: CompactionPolicy;
  /** For tests: memory as the policy sees it. */
  readonly read?: () => HeapReading;
  /** For tests: the share of time the event loop was busy since the previous call. */
  readonly utilization?: () => number;
  /** For tests: a monotonic clock in ms. */
  readonly now?: () => number;
}

/**
 * Gives the memory of a storm back once it is over. After 10,000 lockers connect at once, a full
 * GC leaves the old space fragmented: live per-connection objects sit on pages among the storm's
 * dead ones, and V8 evacuates only a few MB of them per ordinary GC. Its memory reducer, which
 * compacts an idle heap, never starts on a cloud node whose lockers keep it allocating (pings,
 * statuses), so the node kept ~27 KB per locker where ~16 KB is live (docs/scaling.md). The
 * inspector's collectGarbage is V8's memory-reducing full GC (it compacts every fragmented page,
 * up to a budget per round); run in-process through `node:inspector`, a few rounds of it return
 * the difference. One round costs a full-GC pause (~100–300 ms at 150 MB), only after growth and
 * only when the event loop is mostly idle.
 */
export class HeapCompactor {
  private baseline: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastCompactedAt = Number.NEGATIVE_INFINITY;
  private readonly compactions: Counter | undefined;
  private readonly read: () => HeapReading;
  private readonly utilization: () => number;
  private readonly now: () => number;
  readonly policy: CompactionPolicy;

  constructor(private readonly options: HeapCompactorOptions) {
    this.read = options.read ?? readHeap;
    this.utilization = options.utilization ?? loopUtilization();
    this.now = options.now ?? (() => performance.now());
    this.policy = options.policy ?? DEFAULT_COMPACTION;
    this.baseline = this.read().rss;
    this.compactions =
      options.registry === undefined
        ? undefined
        : new Counter({
            name: 'postamat_heap_compactions_total',
            help: 'Memory-reducing full GCs run after the heap grew (a connect storm, a burst)',
            registers: [options.registry],
          });
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look at the heap; compacts if the policy says so. Resolves to whether it did. */
  async check(): Promise<boolean> {
    const utilization = this.utilization();
    if (this.running) return false;
    if (this.now() - this.lastCompactedAt < this.policy.minIntervalMs) return false;
    const before = this.read();
    if (!shouldCompact(before, this.baseline, utilization, this.policy)) {
      // Memory that shrank on its own is the new baseline: growth is measured from the lowest.
      this.baseline = Math.min(this.baseline, before.rss);
      return false;
    }
    await this.compact(before);
    return true;
  }

  /** Memory-reducing full GCs until a round gives back too little. */
  async compact(before: HeapReading = this.read()): Promise<HeapReading> {
    this.running = true;
    const started = performance.now();
    let session: import('node:inspector/promises').Session;
    try {
      // Lazily: a Node built without the inspector then loses compaction, not the cloud.
      session = new (await import('node:inspector/promises')).Session();
      session.connect();
    } catch (error) {
      this.running = false;
      this.stop();
      this.options.logger.warn({
        event: 'cloud.heap.compaction-unavailable',
        error: String(error),
      });
      return before;
    }
    let after = before;
    let rounds = 0;
    try {
      while (rounds < this.policy.maxRounds) {
        const previous = after.rss;
        await session.post('HeapProfiler.collectGarbage');
        rounds += 1;
        after = this.read();
        if (previous - after.rss < this.policy.minRoundGainBytes) break;
      }
    } finally {
      session.disconnect();
      this.running = false;
    }
    this.baseline = after.rss;
    this.lastCompactedAt = this.now();
    this.compactions?.inc();
    this.options.logger.info({
      event: 'cloud.heap.compacted',
      rounds,
      ms: Math.round(performance.now() - started),
      rssMb: [mb(before.rss), mb(after.rss)],
      committedMb: [mb(before.committed), mb(after.committed)],
      usedMb: [mb(before.used), mb(after.used)],
    });
    return after;
  }
}

/** The event loop's utilization since the previous call (the first: since the process began). */
function loopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const since = performance.eventLoopUtilization(last);
    last = performance.eventLoopUtilization();
    return since.utilization;
  };
}

function readHeap(): HeapReading {
  const heap = getHeapStatistics();
  return {
    rss: process.memoryUsage.rss(),
    committed: heap.total_heap_size,
    used: heap.used_heap_size,
  };
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
