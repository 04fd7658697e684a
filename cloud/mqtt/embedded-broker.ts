import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import {
  decodePayload,
  isPostamatError,
  LOCKER_ID_PATTERN,
  MAX_PAYLOAD_BYTES,
  parseTopic,
  TOPIC_PREFIX,
} from '../../protocol/index.ts';
import type { LockerCredentialStore } from '../ports.ts';
import { ACCEPT_HANDLES, acceptOnMoreHandles } from './accept-handles.ts';
import type { LinkTransport } from './cloud-link.ts';
import { mayPublish, maySubscribe, type Principal } from './domain/topic-access.ts';
import type { MqttCounters } from './mqtt-counters.ts';
import { memoryPersistenceWithRetainedIndex } from './retained-index.ts';

export interface EmbeddedBrokerOptions {
  /** 0 picks a free port (tests); read the real one back from `port`. */
  readonly port: number;
  readonly host?: string;
  /** mqtts: PEM certificate and key files from the config. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly credentials: LockerCredentialStore;
  /**
   * False while the cloud is starting (store not open, its own client not subscribed yet):
   * lockers are then told "server unavailable" (CONNACK 3) and come back on their backoff,
   * rather than "bad username or password" and an auth failure counted for each.
   */
  readonly ready?: () => boolean;
  /** The cloud service's own client: the only one that sees every locker. */
  readonly internal: { readonly username: string; readonly password: string };
  readonly topicPrefix?: string;
  /** Connections accepted per event-loop turn at most (accept-handles.ts); default 64. */
  readonly acceptHandles?: number;
  readonly counters: MqttCounters;
  readonly logger: Logger;
}

export interface EmbeddedBroker {
  readonly port: number;
  /** `mqtt://` or `mqtts://` URL on 127.0.0.1 and the bound port. */
  readonly url: string;
  /** Refuses the locker from now on and disconnects it if connected. */
  revoke(lockerId: string): void;
  /** Lets a revoked locker in again (its credentials still have to verify). */
  reinstate(lockerId: string): void;
  /**
   * The cloud's own link to this broker, in-process: messages pass as objects, not encoded,
   * written to loopback TCP and parsed again on each side (a tenth of a connect storm's CPU).
   */
  localTransport(): LinkTransport;
  close(): Promise<void>;
}

/** Internal client ids start with this, so no locker can take over the cloud's session. */
export const CLOUD_CLIENT_ID_PREFIX = 'postamat-cloud-';

/** The aedes broker inside the cloud process, with per-locker authentication and ACL. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const prefix = options.topicPrefix ?? TOPIC_PREFIX;
  const { counters, logger } = options;
  const principals = new WeakMap<Client, Principal>();
  const revoked = new Set<string>();
  const aedes = await Aedes.createBroker({
    id: 'postamat-cloud',
    persistence: memoryPersistenceWithRetainedIndex(),
  });

  aedes.authenticate = (client, username, password, done) => {
    authenticate(client, username, password?.toString('utf8') ?? '')
      .then((principal) => {
        principals.set(client, principal);
        counters.connectionsAccepted += 1;
        done(null, true);
      })
      .catch((error: unknown) => {
        const reason = error instanceof RefusedError ? error.reason : 'error';
        const refusal = new Error('refused') as AuthenticateError;
        if (reason === 'starting') {
          counters.refusedStarting += 1;
          logger.debug({ event: 'mqtt.connect.starting', clientId: client.id });
          refusal.returnCode = 3;
          return done(refusal, false);
        }
        if (reason === 'revoked') counters.revokedRefused += 1;
        else counters.authFailures += 1;
        logger.warn({ event: 'mqtt.auth.refused', clientId: client.id, reason });
        refusal.returnCode = reason === 'revoked' ? 5 : 4;
        done(refusal, false);
      });
  };

  async function authenticate(client: Client, user: string | undefined, secret: string) {
    if (user === options.internal.username) {
      if (!sameSecret(secret, options.internal.password)) throw new RefusedError('bad-secret');
      if (!client.id.startsWith(CLOUD_CLIENT_ID_PREFIX)) throw new RefusedError('client-id');
      return { kind: 'cloud' } as const;
    }
    if (user === undefined || !LOCKER_ID_PATTERN.test(user)) throw new RefusedError('username');
    // The client id must be the locker id: otherwise a locker could take over another's session
    // (and receive its queued commands) just by reusing its client id.
    if (client.id !== user) throw new RefusedError('client-id');
    if (revoked.has(user)) throw new RefusedError('revoked');
    if (options.ready?.() === false) throw new RefusedError('starting');
    if (!(await options.credentials.verifyLockerSecret(user, secret))) {
      throw new RefusedError('bad-secret');
    }
    return { kind: 'locker', lockerId: user } as const;
  }

  aedes.authorizePublish = (client, packet, done) => {
    // A will published after its client is gone arrives with client = null: only a status
    // topic is acceptable then (wills are set by lockers, checked again here).
    const principal = client === null ? undefined : principals.get(client);
    const lockerId = principal?.kind === 'locker' ? principal.lockerId : undefined;
    const allowed =
      principal === undefined
        ? isStatusTopic(packet.topic, prefix)
        : mayPublish(principal, packet.topic, prefix);
    if (!allowed)
      return deny('publishDenied', 'mqtt.publish.denied', { lockerId, topic: packet.topic });
    const bytes = Buffer.byteLength(packet.payload);
    if (bytes > MAX_PAYLOAD_BYTES) {
      return deny('oversized', 'mqtt.publish.oversized', { lockerId, bytes });
    }
    // Status is retained: a malformed one would sit on the broker, so it is checked here.
    if (isStatusTopic(packet.topic, prefix)) {
      const problem = statusProblem(packet.topic, packet.payload, prefix);
      if (problem !== undefined)
        return deny('malformed', 'mqtt.status.malformed', { lockerId, problem });
    }
    done(null);

    function deny(counter: keyof MqttCounters, event: string, fields: Record<string, unknown>) {
      counters[counter] += 1;
      logger.warn({ event, ...fields });
      done(new Error(event));
    }
  };

  aedes.authorizeSubscribe = (client, subscription, done) => {
    const principal = principals.get(client);
    if (principal !== undefined && maySubscribe(principal, subscription.topic, prefix)) {
      return done(null, subscription);
    }
    counters.subscribeDenied += 1;
    logger.warn({
      event: 'mqtt.subscribe.denied',
      lockerId: principal?.kind === 'locker' ? principal.lockerId : undefined,
      topic: subscription.topic,
    });
    // null grants nothing: the client gets a failure code in its SUBACK and stays connected.
    done(null, null);
  };

  const server = createServer(options, (socket) => aedes.handle(socket));
  const port = await listen(server, options.port, options.host ?? '127.0.0.1');
  const acceptors = await acceptOnMoreHandles(
    server,
    options.acceptHandles ?? ACCEPT_HANDLES,
    LISTEN_BACKLOG,
  );
  if (acceptors.problem !== undefined) {
    logger.warn({ event: 'mqtt.broker.one-accept-per-turn', problem: acceptors.problem });
  }
  const scheme = options.tls === undefined ? 'mqtt' : 'mqtts';
  logger.info({
    event: 'mqtt.broker.listening',
    port,
    tls: options.tls !== undefined,
    acceptHandles: 1 + acceptors.extra.length,
  });

  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    revoke(lockerId) {
      revoked.add(lockerId);
      const clients = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
      const client = clients[lockerId];
      logger.warn({ event: 'mqtt.locker.revoked', lockerId, connected: client !== undefined });
      client?.close();
    },
    reinstate(lockerId) {
      revoked.delete(lockerId);
    },
    localTransport: () => localTransport(aedes),
    close: () => closeBroker(aedes, [server, ...acceptors.extra]),
  };
}

/** The in-process link (EmbeddedBroker.localTransport); exported for its test. */
export function localTransport(aedes: Aedes): LinkTransport {
  let handler: (topic: string, payload: Buffer, retained: boolean) => void = () => {};
  let open = true;
  const subscribed: string[] = [];
  // Every message reaching the link is live: nothing is replayed to an in-process subscription
  // (and the embedded broker keeps no retained message across a restart of the cloud).
  const deliver = (packet: AedesPublishPacket, done: () => void) => {
    const { payload } = packet;
    handler(packet.topic, typeof payload === 'string' ? Buffer.from(payload) : payload, false);
    // Not done() here: when every subscriber of a message finishes synchronously, mqemitter
    // delivers its next queued message from inside this call, and a backlog of them (a connect
    // storm) overflowed the stack and took the cloud down.
    process.nextTick(done);
  };
  return {
    async subscribe(filters) {
      for (const filter of filters) {
        await new Promise<void>((resolve) => aedes.subscribe(filter, deliver, resolve));
        subscribed.push(filter);
      }
    },
    publish(topic, payload) {
      if (!open) return Promise.reject(new Error('the cloud link is closed'));
      return new Promise((resolve, reject) =>
        aedes.publish(
          {
            cmd: 'publish',
            topic,
            payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
            qos: 1,
            retain: false,
            dup: false,
          },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    },
    onMessage(next) {
      handler = next;
    },
    connected: () => open && !aedes.closed,
    async close() {
      open = false;
      if (aedes.closed) return;
      for (const filter of subscribed.splice(0)) {
        await new Promise<void>((resolve) => aedes.unsubscribe(filter, deliver, resolve));
      }
    },
  };
}

class RefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isStatusTopic(topic: string, prefix: string): boolean {
  try {
    return parseTopic(topic, prefix).kind === 'status';
  } catch {
    return false;
  }
}

function statusProblem(
  topic: string,
  payload: Buffer | string,
  prefix: string,
): string | undefined {
  try {
    const status = decodePayload('status', payload);
    const { lockerId } = parseTopic(topic, prefix);
    return status.lockerId === lockerId
      ? undefined
      : `status of "${status.lockerId}" on ${lockerId}`;
  } catch (error) {
    return isPostamatError(error) ? error.message : String(error);
  }
}

function createServer(options: EmbeddedBrokerOptions, handle: (socket: Socket) => void): Server {
  if (options.tls === undefined) return createTcpServer(handle);
  return createTlsServer(
    { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
    handle,
  );
}

/**
 * Pending connections the kernel queues before the broker accepts them. Node's default (511)
 * overflows when thousands of lockers come back at once: the kernel drops their SYNs and they
 * retry after 1, 3, 7 s — in a 10,000-locker storm the last lockers arrived ~15 s after the
 * cloud had gone idle. Linux caps it at net.core.somaxconn (4096 by default since 5.4).
 */
const LISTEN_BACKLOG = 8192;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

async function closeBroker(aedes: Aedes, servers: readonly Server[]): Promise<void> {
  // Stop accepting first (every handle on the socket: it listens until the last one is closed).
  // A locker that aedes.close() drops reconnects within a second; while the socket still
  // listened, each was accepted, handled by a broker on its way down and dropped again.
  const closed = Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  // server.close() calls back once the connections it accepted have ended too.
  await closed;
}
