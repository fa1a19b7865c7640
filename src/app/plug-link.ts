import { dirname } from 'node:path';
import mqtt from 'mqtt';
import type { Config } from '../config/load.js';
import { type Clock, withTimeout } from '../hal/clock.js';
import { MqttLinkError } from '../hal/mqtt-link.js';
import { MqttClientLink } from '../hal/mqtt-link-client.js';
import { redactUrl } from '../redact-url.js';
import { buildClientOptions } from '../telemetry/client-options.js';
import { TopicTree } from '../telemetry/topics.js';

/** Delay between reconnection attempts of the smart-plug link, ms (MQTT.js `reconnectPeriod`). */
export const PLUG_LINK_RECONNECT_MS = 5_000;

/** Whether any actuator of the config is driven through a network smart plug (Tasmota, Shelly). */
export function usesPlugs(config: Config): boolean {
  return config.enclosures.some((e) => e.actuators.some((a) => a.kind !== 'feeder' && (a.output.type === 'tasmota' || a.output.type === 'shelly')));
}

/**
 * The MQTT link the smart-plug outputs use on real hardware: a second MQTT.js client to the broker
 * of the `mqtt` section (same URL, credentials and TLS as telemetry), apart from the telemetry
 * session so that neither one's reconnects, backoff or outbox drain can delay the other:
 * - client id `<telemetry client id>-outputs`, so the broker does not take the two sessions for one;
 * - no will: the controller's availability belongs to the telemetry session's LWT;
 * - MQTT 3.1.1 unless `mqtt.protocolVersion` says otherwise (Tasmota and Shelly need nothing newer);
 * - MQTT.js's own reconnect every {@link PLUG_LINK_RECONNECT_MS}; subscriptions are re-made on
 *   every connect by {@link MqttClientLink}.
 * Returns at once: until the broker answers, plug commands fail and the plugs' components retry
 * and recover like any other output (a heater plug is assumed on until it confirms off).
 * @throws MqttCredentialsError when a password or TLS file of the `mqtt` section cannot be read
 */
export function openPlugLink(config: Config, clock: Clock): PlugLink {
  const m = config.mqtt;
  if (!m) throw new Error('smart plugs need the "mqtt" section (validated before this point)');
  const topics = new TopicTree(m.baseTopic, config.controller.id, m.discoveryPrefix);
  const base = buildClientOptions(m, config.controller.id, topics.availability, config.file === '<inline>' ? process.cwd() : dirname(config.file));
  const { will: _will, ...rest } = base;
  const client = mqtt.connect(m.url, { ...rest, clientId: `${base.clientId ?? `terrarium-${config.controller.id}`}-outputs`, protocolVersion: m.protocolVersion ?? 4, reconnectPeriod: PLUG_LINK_RECONNECT_MS });
  // Errors surface through the plug components (publish rejects while offline); an 'error' event
  // without a listener would crash the process.
  client.on('error', () => undefined);
  const link = new MqttClientLink(client);
  const connected = client.connected ? Promise.resolve() : new Promise<void>((resolve) => client.once('connect', () => resolve()));
  return {
    link,
    ready: (ms) =>
      withTimeout(clock, connected, ms, () => new MqttLinkError('offline', `no connection to the smart plugs' broker ${redactUrl(m.url)} within ${ms} ms`)).then(
        () => true,
        () => false,
      ),
    close: () => link.close(),
  };
}

/** The smart plugs' broker link, open. */
export interface PlugLink {
  link: MqttClientLink;
  /** Resolves `true` once connected, `false` if not within `ms` of monotonic time (one-shot commands wait for it). */
  ready(ms: number): Promise<boolean>;
  /** Disconnects (after the controller stopped and drove the plugs off). */
  close(): Promise<void>;
}
