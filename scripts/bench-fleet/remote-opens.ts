import { type IncomingMessage, request } from 'node:http';

/**
 * BENCH SUPPORT — remote opens as an operator's console makes them: POST the command, then wait
 * for its result on the operator's live stream (`/v1/operator/stream`, server-sent events), which
 * the cloud publishes after the result event's transaction commits. Returns each round trip in
 * milliseconds (POST sent → result seen).
 *
 * Earlier runs read the command back every 10 ms instead: four openers made ~400 requests a
 * second, three statements each, and that polling was a large part of what PostgreSQL served
 * while the opens were timed. A console does not poll; it holds this stream.
 */
export async function remoteOpens(input: {
  readonly api: string;
  readonly operatorKey: string;
  readonly lockerIds: readonly string[];
  readonly count: number;
  readonly concurrency: number;
}): Promise<number[]> {
  const stream = await ResultStream.open(`${input.api}/v1/operator/stream`, input.operatorKey);
  try {
    const times: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < input.count) {
        next += 1;
        const lockerId = input.lockerIds[Math.floor(Math.random() * input.lockerIds.length)] ?? '';
        times.push(await openOnce(input.api, input.operatorKey, lockerId, stream));
      }
    };
    await Promise.all(Array.from({ length: input.concurrency }, worker));
    return times;
  } finally {
    stream.close();
  }
}

async function openOnce(
  api: string,
  key: string,
  lockerId: string,
  stream: ResultStream,
): Promise<number> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const started = performance.now();
  const created = await fetch(`${api}/v1/operator/lockers/${lockerId}/remote-open`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ cellId: 'C2', reason: 'fleet bench' }),
  });
  if (created.status !== 202) throw new Error(`remote-open answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  const result = await stream.resultOf(id, 60_000);
  if (result.outcome !== 'applied') throw new Error(`remote open ${id} ended ${result.outcome}`);
  return result.seenAt - started;
}

interface Seen {
  readonly outcome: string;
  readonly seenAt: number;
}

/** The command results on an operator's event stream, by command id, kept until asked for. */
class ResultStream {
  private buffer = '';
  private readonly seen = new Map<string, Seen>();
  private readonly waiting = new Map<string, (seen: Seen) => void>();

  private constructor(private readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.feed(chunk));
  }

  static open(url: string, key: string): Promise<ResultStream> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { headers: { accept: 'text/event-stream', authorization: `Bearer ${key}` } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`the stream answered ${res.statusCode}`));
          else resolve(new ResultStream(res));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The result of a command, whether it came before this call or comes within timeoutMs. */
  resultOf(commandId: string, timeoutMs: number): Promise<Seen> {
    const seen = this.seen.get(commandId);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(commandId);
        reject(new Error(`no result for ${commandId} on the stream within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(commandId, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  close(): void {
    this.response.destroy();
  }

  private feed(chunk: string): void {
    const seenAt = performance.now();
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf('\n\n');
      if (!frame.includes('event: command.result')) continue;
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (data === undefined) continue;
      const { commandId, outcome } = JSON.parse(data.slice(6)) as {
        commandId: string;
        outcome: string;
      };
      const result = { outcome, seenAt };
      const waiter = this.waiting.get(commandId);
      if (waiter === undefined) this.seen.set(commandId, result);
      else {
        this.waiting.delete(commandId);
        waiter(result);
      }
    }
  }
}
