import mqtt from 'mqtt';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHardware } from '../../src/app/hardware.js';
import { driveOutputsSafe } from '../../src/app/safe-outputs.js';
import { parseConfig } from '../../src/config/load.js';
import { MqttClientLink } from '../../src/hal/mqtt-link-client.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { TasmotaPeer } from '../../simulators/plugs/tasmota-peer.js';
import { type BrokerHarness, findMosquitto, startMosquitto, within } from '../telemetry/support/brokers.js';

/**
 * On a Pi, smart-plug outputs reach their plugs through a broker link of their own, opened by the
 * backend from the `mqtt` section (the simulator routes plugs in process instead).
 */
const bin = findMosquitto();
const suite = bin || process.env.REQUIRE_MOSQUITTO ? describe : describe.skip;

function piConfig(url: string) {
  return parseConfig(
    {
      controller: { id: 'pi-rack', tickMs: 1000, stateDir: mkdtempSync(join(tmpdir(), 'plug-link-')), speciesDir: join(process.cwd(), 'config/species') },
      hardware: { backend: 'pi' },
      mqtt: { url },
      enclosures: [
        {
          id: 'rack-01',
          name: 'Rack place 1',
          profile: 'leopard-gecko',
          sensors: [{ id: 'air', type: 'ds18b20', deviceId: '28-00000000a000' }],
          actuators: [{ id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'tasmota', topic: 'pi-heat-01', relay: 1, deadManSeconds: 300 }, sensors: ['air'] }],
        },
      ],
    },
    join(process.cwd(), 'config/inline.json'),
  );
}

suite('smart plugs on a Pi backend over a real Mosquitto', () => {
  let broker: BrokerHarness;
  beforeAll(async () => {
    broker = await startMosquitto(bin);
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('opens a broker link of its own and drives a plug heater off for safe-outputs', async () => {
    const clock = new SystemClock();
    const peerClient = await within(mqtt.connectAsync(broker.url, { reconnectPeriod: 0, will: { topic: 'tele/pi-heat-01/LWT', payload: Buffer.from('Offline'), qos: 1, retain: true } }), 5000, 'peer connect');
    const peer = new TasmotaPeer(new MqttClientLink(peerClient), clock, 'pi-heat-01');
    await peer.start();
    peer.on = true; // the heater was left on
    const built = await createHardware(piConfig(broker.url), clock);
    try {
      expect(built.hardware.mqtt).toBeDefined();
      expect(await built.ready(5000)).toBe(true);
      const results = await driveOutputsSafe(piConfig(broker.url), built.hardware);
      expect(results).toEqual([expect.objectContaining({ output: 'rack-01/heater', ok: true })]);
      expect(peer.on).toBe(false);
    } finally {
      await built.close();
      peerClient.end(true);
    }
    expect(built.hardware.mqtt?.connected).toBe(false);
  }, 30_000);

  it('says so when the broker cannot be reached, and every plug output fails instead of hanging', async () => {
    const clock = new SystemClock();
    const built = await createHardware(piConfig('mqtt://127.0.0.1:1'), clock);
    try {
      expect(await built.ready(300)).toBe(false);
      const results = await driveOutputsSafe(piConfig('mqtt://127.0.0.1:1'), built.hardware);
      expect(results).toEqual([expect.objectContaining({ output: 'rack-01/heater', ok: false })]);
    } finally {
      await built.close();
    }
  }, 30_000);
});
