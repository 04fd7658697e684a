import { createServer } from 'node:net';

/**
 * TEST SUPPORT — a port free a moment ago, for a server that must bind the same port twice (a
 * restarted cloud whose broker URL sits in an agent's config file). Everything else uses port 0.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
