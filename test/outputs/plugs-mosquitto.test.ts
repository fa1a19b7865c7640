import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellyPlug } from '../../src/drivers/plug-shelly.js';
import { TasmotaPlug } from '../../src/drivers/plug-tasmota.js';
import { MqttClientLink } from '../../src/hal/mqtt-link-client.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { ShellyPeer } from '../../simulators/plugs/shelly-peer.js';
import { TasmotaPeer } from '../../simulators/plugs/tasmota-peer.js';
import { type BrokerHarness, findMosquitto, startMosquitto, within } from '../telemetry/support/brokers.js';

/**
 * The plug drivers against a real Mosquitto, with simulated Tasmota and Shelly peers speaking their
 * documented topics and payloads over their own MQTT connections (last wills included).
 */
const bin = findMosquitto();
const suite = bin || process.env.REQUIRE_MOSQUITTO ? describe : describe.skip;

async function connect(url: string, will?: { topic: string; payload: string }): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, ...(will ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true } } : {}) });
  await within(new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('error', reject))), 5000, 'mqtt connect');
  return client;
}

suite('smart plugs over a real Mosquitto', () => {
  let broker: BrokerHarness;
  const clients: MqttClient[] = [];
  const clock = new SystemClock();

  beforeAll(async () => {
    broker = await startMosquitto(bin);
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await broker?.close();
  });

  it('switches a Tasmota relay with PulseTime armed, confirmed by its own reports, and sees it go offline', async () => {
    const peerClient = await connect(broker.url, { topic: 'tele/mq-heat/LWT', payload: 'Offline' });
    const ctlClient = await connect(broker.url);
    clients.push(peerClient, ctlClient);
    const peer = new TasmotaPeer(new MqttClientLink(peerClient), clock, 'mq-heat');
    await peer.start();
    const plug = new TasmotaPlug({ link: new MqttClientLink(ctlClient), clock, topic: 'mq-heat', relay: 1, deadManSeconds: 300, confirmTimeoutMs: 3000 });
    await plug.init();
    expect(peer.pulseSeconds).toBe(300);
    await plug.set(true);
    expect(peer.on).toBe(true);
    expect(await plug.readBack()).toBe(true);
    await plug.set(false);
    expect(peer.on).toBe(false);
    expect(await plug.readBack()).toBe(false);
    // The plug drops off the network: the broker publishes its will, and the plug is assumed on.
    peerClient.stream.destroy();
    await within(
      (async () => {
        while ((await plug.readBack()) !== true) await new Promise((r) => setTimeout(r, 20));
      })(),
      5000,
      'the Offline will',
    );
    await expect(plug.set(false)).rejects.toMatchObject({ kind: 'unreachable' });
  }, 30_000);

  it('switches a Shelly Gen2 switch by RPC with toggle_after, confirmed by Switch.GetStatus', async () => {
    const peerClient = await connect(broker.url, { topic: 'shelly-mq/online', payload: 'false' });
    const ctlClient = await connect(broker.url);
    clients.push(peerClient, ctlClient);
    const peer = new ShellyPeer(new MqttClientLink(peerClient), clock, 'shelly-mq');
    await peer.start();
    const plug = new ShellyPlug({ link: new MqttClientLink(ctlClient), clock, prefix: 'shelly-mq', switchId: 0, clientId: 'terrarium-mq-test', deadManSeconds: 300, confirmTimeoutMs: 3000 });
    await plug.init();
    await plug.set(true);
    expect(peer.output).toBe(true);
    expect(peer.received.find((r) => r.method === 'Switch.Set')?.params).toEqual({ id: 0, on: true, toggle_after: 300 });
    await plug.set(false);
    expect(peer.output).toBe(false);
    await plug.close();
  }, 30_000);
});
