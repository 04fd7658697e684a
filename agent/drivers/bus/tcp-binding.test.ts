import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPostamatError } from '../../../protocol/errors.ts';
import { tcpBinding } from './tcp-binding.ts';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function echoServer(): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (d) => socket.write(d));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, sockets };
}

describe('RTU over TCP binding', () => {
  it('sends and receives raw bytes', async () => {
    const { port } = await echoServer();
    const binding = await tcpBinding('127.0.0.1', port)();
    const got = new Promise<number[]>((resolve) => binding.onData((b) => resolve([...b])));
    await binding.write(Uint8Array.of(1, 5, 0, 0));
    expect(await got).toEqual([1, 5, 0, 0]);
    await binding.close();
  });

  it('reports the gateway dropping the connection', async () => {
    const { port, sockets } = await echoServer();
    const binding = await tcpBinding('127.0.0.1', port)();
    const lost = new Promise<void>((resolve) => binding.onClose(() => resolve()));
    await new Promise<void>((r) => (sockets.length ? r() : setImmediate(r)));
    while (!sockets[0]) await new Promise((r) => setImmediate(r));
    sockets[0].destroy();
    await lost;
  });

  it('a refused connection is port-unavailable with the reason', async () => {
    const { port } = await echoServer();
    await new Promise((r) => servers.pop()!.close(r));
    const error = await tcpBinding('127.0.0.1', port)().catch((e: unknown) => e);
    expect(isPostamatError(error, 'port-unavailable')).toBe(true);
    expect((error as Error).message).toContain('refused');
  });
});
