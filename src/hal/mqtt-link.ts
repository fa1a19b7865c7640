import { TerrariumError } from '../errors.js';

/** Receives one MQTT message: its topic and payload bytes. */
export type MqttMessageHandler = (topic: string, payload: Buffer) => void;

/**
 * A publish/subscribe link to an MQTT broker, as the network outputs (smart plugs) see it. One
 * link per controller process; the real one wraps an MQTT.js client (`hal/mqtt-link-client.ts`),
 * the simulator routes messages in process. Rejects with {@link MqttLinkError}.
 */
export interface MqttLink {
  /** Whether the link is connected to its broker now. */
  readonly connected: boolean;
  /** Publishes `payload` at QoS 1. Rejects with `MqttLinkError` (`offline`) when not connected. */
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>;
  /**
   * Subscribes to `filter` (MQTT wildcards `+` and `#` allowed); `handler` gets every matching
   * message, retained ones included, until the returned function is called.
   */
  subscribe(filter: string, handler: MqttMessageHandler): Promise<() => void>;
}

/** An MQTT link operation failed: `offline` (not connected) or `failed` (the broker refused it). */
export class MqttLinkError extends TerrariumError {
  /** Both kinds are worth retrying in-call: a reconnect may be a moment away. */
  readonly category = 'transient' as const;
  constructor(
    readonly kind: 'offline' | 'failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('MQTT_LINK', message, options);
  }
}

/**
 * Whether `topic` matches the subscription `filter` (MQTT 3.1.1 §4.7: `+` one level, `#` the rest,
 * including the parent level).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
