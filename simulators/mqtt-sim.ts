import { type MqttLink, MqttLinkError, type MqttMessageHandler, topicMatches } from '../src/hal/mqtt-link.js';

/** A last will: published by the broker when its link dies without a clean close (MQTT 3.1.1 §3.1.2.5). */
export interface SimWill {
  topic: string;
  payload: string;
  retain: boolean;
}

/**
 * An in-process MQTT broker for simulated network devices (smart plugs) and the controller: topic
 * matching with `+`/`#`, retained messages, last wills on {@link SimMqttLink.kill}. Delivery is
 * asynchronous (a microtask), in publish order, like a broker round trip without latency.
 */
export class SimMqttBroker {
  private readonly links = new Set<SimMqttLink>();
  private readonly retained = new Map<string, string>();

  /** A new connected client link, with an optional last will. */
  link(will?: SimWill): SimMqttLink {
    const l = new SimMqttLink(this, will);
    this.links.add(l);
    return l;
  }

  /** @internal routes one message to every live subscription that matches it. */
  route(topic: string, payload: string, retain: boolean): void {
    if (retain) {
      if (payload === '') this.retained.delete(topic);
      else this.retained.set(topic, payload);
    }
    for (const l of this.links) l.deliver(topic, payload);
  }

  /** @internal */
  retainedFor(filter: string): Array<[string, string]> {
    return [...this.retained].filter(([t]) => topicMatches(filter, t));
  }

  /** @internal */
  drop(l: SimMqttLink): void {
    this.links.delete(l);
  }
}

/** One client connection to a {@link SimMqttBroker}. */
export class SimMqttLink implements MqttLink {
  private alive = true;
  private readonly subs: Array<{ filter: string; handler: MqttMessageHandler }> = [];

  constructor(
    private readonly broker: SimMqttBroker,
    private readonly will?: SimWill,
  ) {}

  get connected(): boolean {
    return this.alive;
  }

  async publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    if (!this.alive) throw new MqttLinkError('offline', `not connected (publish ${topic})`);
    this.broker.route(topic, payload, options.retain ?? false);
  }

  async subscribe(filter: string, handler: MqttMessageHandler): Promise<() => void> {
    if (!this.alive) throw new MqttLinkError('offline', `not connected (subscribe ${filter})`);
    const sub = { filter, handler };
    this.subs.push(sub);
    for (const [t, p] of this.broker.retainedFor(filter)) queueMicrotask(() => this.alive && this.subs.includes(sub) && handler(t, Buffer.from(p)));
    return () => {
      const i = this.subs.indexOf(sub);
      if (i >= 0) this.subs.splice(i, 1);
    };
  }

  /** @internal */
  deliver(topic: string, payload: string): void {
    if (!this.alive) return;
    for (const s of this.subs) {
      if (!topicMatches(s.filter, topic)) continue;
      const { handler } = s;
      queueMicrotask(() => this.alive && handler(topic, Buffer.from(payload)));
    }
  }

  /** Closes cleanly: no will. */
  close(): void {
    this.alive = false;
    this.broker.drop(this);
  }

  /** Dies (process killed, network lost): the broker publishes the will, if any. */
  kill(): void {
    if (!this.alive) return;
    this.close();
    if (this.will) this.broker.route(this.will.topic, this.will.payload, this.will.retain);
  }
}
