import type { ApiClient } from './api-client.ts';

interface RecordedMessage {
  readonly id: string;
  readonly orderId: string;
  readonly event: string;
  readonly language: string;
  readonly phone: string | null;
  readonly text: string | null;
  readonly createdAt: number;
}

/** One console line: who (masked), in which language, why, and the text (codes masked). */
export function messageLine(m: RecordedMessage): string {
  const text = (m.text ?? '(erased)').replace(/\s+/g, ' ');
  return `  ✉ ${m.phone ?? '(erased)'}  ${m.language}  ${m.event.padEnd(15)} ${text}`;
}

/**
 * The demo's window on the recording provider: polls the operator's (masked) list and prints
 * each message once, as a person's phone would show it — but with the number and the codes
 * masked, the way the operator sees them, so the console is safe to paste anywhere.
 */
export function messageFeed(
  api: ApiClient,
  operatorKey: string,
  print: (line: string) => void,
  intervalMs = 2000,
) {
  const seen = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function poll(): Promise<void> {
    const { messages } = await api.call<{ messages: RecordedMessage[] }>(
      'GET',
      '/v1/operator/notifications?limit=200',
      operatorKey,
    );
    const fresh = messages.filter((m) => !seen.has(m.id)).reverse();
    if (fresh.length > 0 && seen.size === 0) {
      print('Messages sent to people (recording provider; numbers and codes masked):');
    }
    for (const m of fresh) {
      seen.add(m.id);
      print(messageLine(m));
    }
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    // The cloud may be stopping with the demo, or busy: the next round asks again.
    await poll().catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
  }

  return {
    poll,
    start() {
      void loop();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
