import type { ServerResponse } from 'node:http';

/** Anything with a type goes to the page as an SSE event of that name. */
export type KioskEvent = { readonly type: string } & Readonly<Record<string, unknown>>;

/**
 * Server-sent events to every open page. A comment line every `heartbeatMs` keeps proxies and
 * the browser from deciding the stream died while the locker is quiet.
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Takes over the response; `first` events go to this client only (the current state). */
  attach(res: ServerResponse, first: readonly KioskEvent[]): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    for (const event of first) res.write(frame(event));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  send(event: KioskEvent): void {
    this.write(frame(event));
  }

  size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}

function frame(event: KioskEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
