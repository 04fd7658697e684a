import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptOnMoreHandles } from './accept-handles.ts';
import { makeThrowawayCert } from './test-support/throwaway-cert.ts';
import { waitFor } from './test-support/wait-for.ts';

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(
    open.splice(0).map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))),
  );
});

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  open.push(server);
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

/**
 * Connects `count` clients from another process while this one's event loop is blocked, so
 * their handshakes wait in the kernel's accept queue; they close when that process exits,
 * which does not take them out of the queue.
 */
function queueConnections(port: number, count: number): void {
  const script = `
    const net = require('node:net');
    let up = 0;
    for (let i = 0; i < ${count}; i++) {
      const s = net.connect(${port}, '127.0.0.1', () => { if (++up === ${count}) process.exit(0); });
      s.on('error', (e) => { console.error(e.message); process.exit(1); });
    }`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the connecting process failed: ${child.stderr}`);
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function acceptedInOneTurn(server: Server, port: number): Promise<number> {
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    socket.on('error', () => {});
    socket.destroy();
  });
  queueConnections(port, 100);
  // From one check phase to the next: exactly one poll phase, where the accepts happen.
  await turn();
  const before = accepted;
  await turn();
  const inOneTurn = accepted - before;
  await waitFor(() => accepted === 100, 'every queued connection accepted');
  return inOneTurn;
}

describe('acceptOnMoreHandles', () => {
  it('accepts up to that many connections in one event-loop turn, all into the one server', async () => {
    const server = createServer();
    const port = await listening(server);
    const { extra, problem } = await acceptOnMoreHandles(server, 8, 511);
    open.push(...extra);
    expect(problem).toBeUndefined();
    expect(extra).toHaveLength(7);
    // libuv ≥ 1.45 accepts one connection per handle per turn: eight handles, eight at least.
    expect(await acceptedInOneTurn(server, port)).toBeGreaterThanOrEqual(8);
  });

  it('a TLS server still does the handshake of what the extra handles accept', async () => {
    const cert = makeThrowawayCert();
    try {
      const server = createTlsServer(
        { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) },
        (socket) => socket.end('hello over tls'),
      );
      const port = await listening(server);
      const { extra } = await acceptOnMoreHandles(server, 4, 511);
      open.push(...extra);
      const greetings = await Promise.all(
        Array.from(
          { length: 12 },
          () =>
            new Promise<string>((resolve, reject) => {
              let text = '';
              const client = tlsConnect({ port, host: '127.0.0.1', ca: cert.ca });
              client.on('data', (chunk) => {
                text += String(chunk);
              });
              client.on('end', () => resolve(text));
              client.on('error', reject);
            }),
        ),
      );
      expect(greetings).toEqual(Array(12).fill('hello over tls'));
    } finally {
      cert.remove();
    }
  });

  it('once the server and its extra handles are closed, nothing listens on the port', async () => {
    const server = createServer((socket) => socket.end());
    const port = await listening(server);
    const { extra } = await acceptOnMoreHandles(server, 4, 511);
    await Promise.all(
      [server, ...extra].map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))),
    );
    open.splice(0);
    const refused = await new Promise<string>((resolve) => {
      const client = connect(port, '127.0.0.1', () => resolve('connected'));
      client.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('leaves no copy of the listening socket in another process once it resolves', async () => {
    const server = createServer();
    await listening(server);
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    const socket = readlinkSync(`/proc/self/fd/${fd}`);
    expect(socket).toMatch(/^socket:\[\d+\]$/);
    const { extra } = await acceptOnMoreHandles(server, 16, 511);
    open.push(...extra);
    // Every process this user can see: none but this one may hold the socket, or it would go on
    // listening there after the broker closed it (the duplicator must be gone, not just done).
    const holders = new Set<number>();
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const entry of fds) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${entry}`) === socket) holders.add(Number(pid));
        } catch {}
      }
    }
    expect([...holders]).toEqual([process.pid]);
  });

  it('names the problem, and adds nothing, for a server that is not listening', async () => {
    const { extra, problem } = await acceptOnMoreHandles(createServer(), 4, 511);
    expect(extra).toEqual([]);
    expect(problem).toBe('the server is not listening');
  });
});
