import { connect, type Socket } from 'node:net';
import { PostamatError } from '../../protocol/index.ts';
import type { BoardCounters, DoorState, LockBoard, LockBoardEvent } from '../drivers/lock-board.ts';

interface Hello {
  id: string;
  channels: number;
  online: boolean;
  doors: DoorState[];
}

/** TEST SUPPORT — the agent's end of board-bridge.ts: a LockBoard reached over TCP. */
export class RemoteLockBoard implements LockBoard {
  private readonly listeners = new Set<(e: LockBoardEvent) => void>();
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private n = 0;
  private sent = 0;

  private constructor(
    private readonly socket: Socket,
    private hello: Hello,
  ) {}

  get id(): string {
    return this.hello.id;
  }
  get channels(): number {
    return this.hello.channels;
  }

  static connect(host: string, port: number): Promise<RemoteLockBoard> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.setEncoding('utf8');
      socket.setNoDelay(true);
      let board: RemoteLockBoard | undefined;
      let buffer = '';
      socket.on('error', (e) => (board ? board.fail(e) : reject(e)));
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const msg = JSON.parse(buffer.slice(0, i)) as Record<string, unknown>;
          buffer = buffer.slice(i + 1);
          if (msg.hello) {
            board = new RemoteLockBoard(socket, msg.hello as Hello);
            resolve(board);
          } else board?.receive(msg);
        }
      });
    });
  }

  private receive(msg: Record<string, unknown>): void {
    if (msg.event) {
      const e = msg.event as LockBoardEvent;
      if (e.type === 'door-opened' || e.type === 'door-closed') {
        this.hello.doors[e.channel - 1] = e.type === 'door-opened' ? 'open' : 'closed';
      } else if (e.type === 'board-online' || e.type === 'board-offline') {
        this.hello.online = e.type === 'board-online';
      }
      for (const l of this.listeners) l(e);
      return;
    }
    const reply = msg.reply as { n: number; ok: boolean; code?: string; message?: string };
    const w = this.waiting.get(reply.n);
    this.waiting.delete(reply.n);
    if (reply.ok) w?.resolve();
    else
      w?.reject(new PostamatError((reply.code ?? 'exception') as 'exception', reply.message ?? ''));
  }

  private fail(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  unlock(channel: number): Promise<void> {
    const n = ++this.n;
    this.sent++;
    return new Promise((resolve, reject) => {
      this.waiting.set(n, { resolve, reject });
      this.socket.write(`${JSON.stringify({ call: 'unlock', n, channel })}\n`);
    });
  }
  doorStates(): readonly DoorState[] {
    return [...this.hello.doors];
  }
  isOnline(): boolean {
    return this.hello.online;
  }
  counters(): BoardCounters {
    return {
      framesSent: this.sent,
      framesReceived: this.sent,
      crcErrors: 0,
      timeouts: 0,
      retries: 0,
      exceptions: 0,
    };
  }
  subscribe(listener: (e: LockBoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async close(): Promise<void> {
    this.socket.end();
  }
}
