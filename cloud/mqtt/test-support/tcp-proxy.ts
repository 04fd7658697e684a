import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * TEST SUPPORT. A TCP forwarder whose link can be cut and restored: a network partition between a
 * locker and a broker we may not stop (the shared Mosquitto on CI).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    const server = createServer((inbound) => this.forward(inbound));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : port;
    this.server = server;
    return this.port;
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    await this.start(this.port);
  }

  private forward(inbound: Socket): void {
    const outbound = connect(this.targetPort, this.targetHost);
    this.sockets.add(inbound);
    this.sockets.add(outbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      this.sockets.delete(inbound);
      this.sockets.delete(outbound);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
