import type { CellSpec } from '../../store/locker-store.ts';

/**
 * The file a provisioned locker's agent starts from, in the agent's config shape
 * (agent/config.ts). Its secrets exist in clear only here and in the response that carries it;
 * the cloud keeps the MQTT secret hashed. Serial devices are first guesses per bus, in bus
 * order: the installer edits them to the board's real ports.
 */
export function agentConfigFile(
  spec: { id: string; cells: readonly CellSpec[] },
  issued: { lockerId: string; mqttSecret: string; hashKey: string },
  mqtt: { readonly url: string; readonly topicPrefix?: string | undefined },
): Record<string, unknown> {
  const buses = [...new Set(spec.cells.map((c) => c.bus))];
  return {
    lockerId: issued.lockerId,
    hashKey: issued.hashKey,
    dataDir: '/var/lib/postamat',
    boards: {
      buses: buses.map((bus, i) => ({
        id: bus,
        device: `/dev/ttyUSB${i}`,
        boards: [...new Set(spec.cells.filter((c) => c.bus === bus).map((c) => c.board))]
          .sort((a, b) => a - b)
          .map((address) => ({ address })),
      })),
    },
    cells: spec.cells.map((c) => ({
      cellId: c.cellId,
      board: `${c.bus}:${c.board}`,
      channel: c.channel,
      size: c.size,
      features: [...c.features],
    })),
    sync: {
      url: mqtt.url,
      secret: issued.mqttSecret,
      ...(mqtt.topicPrefix === undefined ? {} : { topicPrefix: mqtt.topicPrefix }),
    },
  };
}
