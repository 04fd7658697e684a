import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/** TEST SUPPORT. A bare MQTT client: an intruder, a broken locker, or a hand-driven one. */
export function rawClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
}

export function closed(client: MqttClient): Promise<void> {
  if (!client.connected) return Promise.resolve();
  return new Promise((resolve) => client.once('close', () => resolve()));
}
