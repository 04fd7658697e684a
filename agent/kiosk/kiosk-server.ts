import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { isPostamatError } from '../../protocol/index.ts';
import type { BackendEvent, KioskBackend } from './kiosk-backend.ts';
import { findRoute, isRoutedPath, type RouteContext } from './kiosk-routes.ts';
import { KioskSession } from './kiosk-session.ts';
import { RecentEvents } from './recent-events.ts';
import { readJsonBody } from './request-body.ts';
import { SseHub } from './sse-hub.ts';
import { type Asset, loadAssets } from './static-assets.ts';

export interface KioskOptions {
  /** The Agent, or anything shaped like it. */
  readonly agent: KioskBackend;
  /** 0 picks a free port (tests); read the real one back from `url`. */
  readonly port: number;
  /** Default 127.0.0.1: the screen is on the same board; nothing else should reach it. */
  readonly host?: string;
  /** Back to home, and the session ended, after this long without a touch; default 60 s. */
  readonly idleMs?: number;
  readonly now?: () => number;
  readonly log?: Logger;
}

export interface Kiosk {
  readonly url: string;
  /** A scan from a serial scanner: handed to the page, which knows what the screen expects. */
  scan(text: string): void;
  close(): Promise<void>;
}

/** Serves the touchscreen: static page, JSON API over the agent's flows, live events over SSE. */
export async function startKiosk(options: KioskOptions): Promise<Kiosk> {
  const now = options.now ?? Date.now;
  const log = options.log ?? pino({ level: 'silent' });
  const idleMs = options.idleMs ?? 60_000;
  const assets = loadAssets();
  const hub = new SseHub();
  const recent = new RecentEvents(now);
  const sessionEnded = (reason: string) => hub.send({ type: 'session-ended', reason });
  const session = new KioskSession(idleMs, (id) => options.agent.logout(id));
  const badRequests = new Map<string, number>();
  const ctx: RouteContext = {
    backend: options.agent,
    session,
    recent,
    now,
    badRequests,
    sessionEnded,
  };
  const unsubscribe = options.agent.subscribe((event) => {
    recent.add(event.type, summarize(event));
    hub.send(event);
  });
  const sweep = setInterval(
    () => {
      if (session.expire(now())) sessionEnded('idle');
    },
    Math.min(1000, Math.max(50, idleMs / 4)),
  );
  sweep.unref();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ event: 'kiosk.request-failed', path: req.url, err: error });
      if (!res.headersSent) json(res, 500, { ok: false, code: 'conflict', message: 'internal' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://kiosk').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/events') {
      hub.attach(res, [{ type: 'hello', idleMs, session: session.current()?.role ?? null }]);
      return;
    }
    const route = findRoute(method, path);
    if (route) return answer(route, req, res);
    if (isRoutedPath(path))
      return json(res, 405, { ok: false, code: 'bad-payload', message: method });
    const asset = method === 'GET' ? assets.get(path) : undefined;
    if (asset) return sendAsset(res, asset);
    json(res, 404, { ok: false, code: 'not-found', message: `no ${method} ${path}` });
  }

  async function answer(
    route: NonNullable<ReturnType<typeof findRoute>>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    try {
      const body = req.method === 'POST' ? await readJsonBody(req) : {};
      // A payment route answers when the terminal has: awaited, the rest are synchronous.
      json(res, 200, await route(ctx, body));
    } catch (error) {
      if (!isPostamatError(error)) throw error;
      badRequests.set(error.code, (badRequests.get(error.code) ?? 0) + 1);
      log.warn({
        event: 'kiosk.bad-request',
        path: req.url,
        code: error.code,
        field: error.details.field,
      });
      json(res, 400, { ok: false, code: error.code, message: error.message });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}/`;
  log.info({ event: 'kiosk.listening', url });

  return {
    url,
    scan(text) {
      hub.send({ type: 'scan', text });
    },
    async close() {
      clearInterval(sweep);
      unsubscribe();
      session.close();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function sendAsset(res: ServerResponse, asset: Asset): void {
  res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-cache' });
  res.end(asset.body);
}

/** What the technician's log shows of an event: ids and states, nothing personal. */
function summarize(event: BackendEvent): Record<string, unknown> {
  const { type: _type, ...fields } = event;
  return fields;
}
