import type { CellSpec } from '../../store/locker-store.ts';

/**
 * The file a provisioned locker's agent starts from. Its secrets exist in clear only here and
 * in the response that carries it; the cloud keeps the MQTT secret hashed.
 */
export function agentConfigFile(
  spec: { id: string; cells: readonly CellSpec[] },
  issued: { lockerId: string; mqttSecret: string; hashKey: string },
  mqttUrl: string,
): Record<string, unknown> {
  return {
    lockerId: issued.lockerId,
    mqtt: { url: mqttUrl, username: issued.lockerId, password: issued.mqttSecret },
    hashKey: issued.hashKey,
    cells: spec.cells.map((c) => ({ ...c, features: [...c.features] })),
  };
}
