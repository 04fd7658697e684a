import { createServer } from 'node:net';
import { Aedes } from 'aedes';

/**
 * BENCH SUPPORT — a plain aedes (no authentication, no ACL, no cloud) in its own process: the
 * reference the cloud's embedded broker is compared with. Prints its port on stdout.
 */
const aedes = await Aedes.createBroker({ id: 'raw-reference' });
const server = createServer((socket) => aedes.handle(socket));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' ? address?.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => process.exit(0));
