import type { MqttClient } from 'mqtt';
import { type MqttLink, MqttLinkError, type MqttMessageHandler, topicMatches } from './mqtt-link.js';

/**
 * {@link MqttLink} over a connected-or-reconnecting MQTT.js client (`mqtt` package 5.x). The client's
 * own reconnect keeps the link up; subscriptions are re-made after every reconnect (the session is
 * clean). Publishing while offline rejects at once instead of queueing: a smart plug command that
 * arrives minutes late is worse than a failed one the component retries.
 */
export class MqttClientLink implements MqttLink {
  private readonly subs = new Map<string, Set<MqttMessageHandler>>();

  constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      for (const [filter, handlers] of this.subs) if (topicMatches(filter, topic)) for (const h of handlers) h(topic, payload);
    });
    client.on('connect', () => {
      for (const filter of this.subs.keys()) client.subscribe(filter, { qos: 1 });
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    if (!this.client.connected) return Promise.reject(new MqttLinkError('offline', `not connected to the broker (publish ${topic})`));
    return new Promise((resolve, reject) => {
      this.client.publish(topic, payload, { qos: 1, retain: options.retain ?? false }, (err) => (err ? reject(new MqttLinkError('failed', `publish ${topic}: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  async subscribe(filter: string, handler: MqttMessageHandler): Promise<() => void> {
    let set = this.subs.get(filter);
    if (!set) {
      set = new Set();
      this.subs.set(filter, set);
      if (this.client.connected) {
        await new Promise<void>((resolve, reject) => {
          this.client.subscribe(filter, { qos: 1 }, (err) => (err ? reject(new MqttLinkError('failed', `subscribe ${filter}: ${err.message}`, { cause: err })) : resolve()));
        });
      }
    }
    set.add(handler);
    return () => {
      const s = this.subs.get(filter);
      if (!s) return;
      s.delete(handler);
      if (s.size === 0) {
        this.subs.delete(filter);
        if (this.client.connected) this.client.unsubscribe(filter);
      }
    };
  }

  /** Disconnects the client (controller shutdown). */
  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
