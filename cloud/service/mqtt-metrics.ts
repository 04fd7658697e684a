import { Gauge, type Registry } from 'prom-client';

/**
 * Exports the MQTT side's plain counters (broker refusals, ingest, acks, sync answers, the
 * publishers') on the cloud's registry as `postamat_mqtt_total{counter="…"}`. They only grow.
 */
export function exportMqttCounters(
  registry: Registry,
  sources: Readonly<Record<string, object>>,
): void {
  new Gauge({
    name: 'postamat_mqtt_total',
    help: 'MQTT side counters since start (refusals, ingest, acks, sync pushes, commands)',
    labelNames: ['counter'],
    registers: [registry],
    collect() {
      for (const [prefix, counters] of Object.entries(sources)) {
        for (const [name, value] of Object.entries(counters as Record<string, number>)) {
          this.set({ counter: prefix === '' ? name : `${prefix}.${name}` }, value);
        }
      }
    },
  });
}
