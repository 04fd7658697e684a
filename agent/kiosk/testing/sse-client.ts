/**
 * TEST SUPPORT — reads the kiosk's SSE stream over real HTTP and waits for events by type,
 * with a bounded timeout (never a sleep).
 */
export interface SseEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface SseClient {
  /** The first event (seen before or after the call) of `type` that `match` accepts. */
  next(type: string, match?: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  readonly seen: readonly SseEvent[];
  close(): void;
}

export async function openSse(url: string): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(new URL('/api/events', url), { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`SSE answered ${res.status}`);
  const seen: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((line) => line.startsWith('data: '));
          buffer = buffer.slice(end + 2);
          if (data) seen.push(JSON.parse(data.slice(6)) as SseEvent);
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    seen,
    next(type, match = () => true, timeoutMs = 10_000) {
      const find = () => seen.find((e) => e.type === type && match(e));
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find();
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`no "${type}" event within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      abort.abort();
    },
  };
}
