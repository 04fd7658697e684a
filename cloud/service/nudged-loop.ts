import type { Logger } from 'pino';

export interface NudgedLoop {
  /**
   * Asks for a pass within `withinMs` (the loop's debounce when not given); nudges during a pass
   * coalesce into one more pass, and a nudge waiting longer is brought forward by a sooner one.
   */
  nudge(withinMs?: number): void;
  /** Resolves when no pass is running or asked for (tests and shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `pass` one at a time: after a nudge (debounced by `debounceMs`, so a burst of API writes
 * makes one pass) and every `pollMs` regardless, so a change nobody nudged for (an ingested event,
 * another cloud worker's write) is still seen. A failing pass is logged and tried again later.
 */
export function nudgedLoop(
  name: string,
  pass: () => Promise<void>,
  options: { readonly pollMs: number; readonly debounceMs: number; readonly logger: Logger },
): NudgedLoop {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let debounce: NodeJS.Timeout | undefined;
  let debounceDue = 0;

  const run = (): void => {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    again = false;
    running = pass()
      .catch((error: unknown) =>
        options.logger.error({ event: `${name}.failed`, error: String(error) }),
      )
      .finally(() => {
        running = undefined;
        if (again) run();
      });
  };
  const timer = setInterval(run, options.pollMs);
  timer.unref();

  return {
    nudge(withinMs = options.debounceMs) {
      if (stopped) return;
      const due = performance.now() + withinMs;
      if (debounce !== undefined && debounceDue <= due) return;
      clearTimeout(debounce);
      debounceDue = due;
      debounce = setTimeout(() => {
        debounce = undefined;
        run();
      }, withinMs);
      debounce.unref();
    },
    async idle() {
      while (running !== undefined || debounce !== undefined) {
        await (running ?? new Promise((resolve) => setTimeout(resolve, options.debounceMs)));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(debounce);
      debounce = undefined;
      await running;
    },
  };
}
