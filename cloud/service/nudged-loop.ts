import type { Logger } from 'pino';

export interface NudgedLoop {
  /** Asks for a pass soon; nudges during a pass coalesce into one more pass. */
  nudge(): void;
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
    nudge() {
      if (stopped || debounce !== undefined) return;
      debounce = setTimeout(() => {
        debounce = undefined;
        run();
      }, options.debounceMs);
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
