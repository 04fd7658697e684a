import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EventIngestStore } from './ports.ts';

/** The cloud's Prometheus metrics, on a registry of its own (several clouds can share a process). */
export interface CloudMetrics {
  readonly registry: Registry;
  readonly eventsIngested: Counter;
  readonly ingestLagSeconds: Gauge;
  readonly apiLatency: Histogram<'method' | 'route' | 'status'>;
  readonly badInput: Counter;
  readonly webhookAttempts: Counter<'outcome'>;
  /** The MQTT side says how many lockers are connected; 0 until it does. */
  setLockersConnectedSource(source: () => number): void;
}

export function createMetrics(webhookBacklog: () => Promise<number>): CloudMetrics {
  const registry = new Registry();
  // Process memory, heap, event-loop lag, GC: what an operator watches on a node carrying
  // thousands of connections (and what bench:fleet reads for the heap per locker).
  collectDefaultMetrics({ register: registry });
  let lockersConnected: () => number = () => 0;
  new Gauge({
    name: 'postamat_lockers_connected',
    help: 'Lockers connected to the broker',
    registers: [registry],
    collect() {
      this.set(lockersConnected());
    },
  });
  new Gauge({
    name: 'postamat_webhook_backlog',
    help: 'Webhook deliveries waiting to be sent',
    registers: [registry],
    async collect() {
      this.set(await webhookBacklog());
    },
  });
  return {
    registry,
    eventsIngested: new Counter({
      name: 'postamat_events_ingested_total',
      help: 'Locker events applied to the store',
      registers: [registry],
    }),
    ingestLagSeconds: new Gauge({
      name: 'postamat_ingest_lag_seconds',
      help: 'Receipt time minus locker time of the last applied event',
      registers: [registry],
    }),
    apiLatency: new Histogram({
      name: 'postamat_api_request_duration_seconds',
      help: 'HTTP API latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    badInput: new Counter({
      name: 'postamat_api_bad_input_total',
      help: 'Requests refused as bad input (4xx)',
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: 'postamat_webhook_attempts_total',
      help: 'Webhook delivery attempts',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    setLockersConnectedSource(source) {
      lockersConnected = source;
    },
  };
}

/** Wraps the ingest port so every batch updates the ingest counters. */
export function meteredIngest(store: EventIngestStore, metrics: CloudMetrics): EventIngestStore {
  return {
    committedSeq: (lockerId) => store.committedSeq(lockerId),
    async ingest(lockerId, events, receivedAt) {
      const result = await store.ingest(lockerId, events, receivedAt);
      if (result.applied > 0) {
        metrics.eventsIngested.inc(result.applied);
        const last = events.find((e) => e.seq === result.committedSeq);
        if (last !== undefined)
          metrics.ingestLagSeconds.set(Math.max(0, receivedAt - last.at) / 1000);
      }
      return result;
    },
  };
}
