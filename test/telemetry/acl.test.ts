import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { type BrokerHarness, findMosquitto, startMosquitto, within } from './support/brokers.js';
import { RecordingSink, T0, testConfig } from './support/fixtures.js';
import { waitFor } from './support/wait.js';

const MOSQUITTO = findMosquitto();
const REQUIRED = Boolean(process.env.REQUIRE_MOSQUITTO);
const BASE = 'terrarium/terra01';

/**
 * The shipped ACL example in a real Mosquitto: only the "homeassistant" user can command the
 * controller, and only the controller ("terrarium") can publish its telemetry.
 */
describe.skipIf(!MOSQUITTO && !REQUIRED)('the example Mosquitto ACL', { timeout: 30_000 }, () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('lets only the named user command the controller, and only the controller publish telemetry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acl-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    for (const user of ['terrarium', 'homeassistant', 'intruder']) execFileSync('mosquitto_passwd', ['-b', passwd, user, `${user}-pw`]);
    const acl = join(dir, 'acl');
    writeFileSync(acl, readFileSync('systemd/mosquitto-acl.example', 'utf8'));
    // Mosquitto started as root drops to its own user: it must be able to read both files.
    for (const f of [dir, passwd, acl]) chmodSync(f, f === dir ? 0o755 : 0o644);
    const h: BrokerHarness = await startMosquitto(MOSQUITTO, `allow_anonymous false\npassword_file ${passwd}\nacl_file ${acl}\n`);
    cleanups.push(() => h.close());

    const clock = new VirtualClock(T0);
    const outbox = new Outbox(join(dir, 'outbox.db'), { maxRows: 100, maxAgeMs: 3600_000, clock });
    const sink = new RecordingSink();
    const t = new Telemetry({
      config: testConfig({ url: h.url, username: 'terrarium', passwordEnv: 'PW' }),
      clock,
      random: new SeededRandom(1),
      log: pino({ level: 'silent' }),
      outbox,
      sink,
      secrets: { env: { PW: 'terrarium-pw' }, readFile: () => Buffer.alloc(0) },
    });
    cleanups.push(async () => {
      await t.stop();
      outbox.close();
    });
    const client = async (user: string): Promise<{ c: MqttClient; seen: Array<{ topic: string; payload: string }> }> => {
      const c = await within(mqtt.connectAsync(h.url, { username: user, password: `${user}-pw`, reconnectPeriod: 0, clientId: user }), 5000, `${user} connect`);
      c.on('error', () => undefined);
      cleanups.push(() => c.end(true));
      const seen: Array<{ topic: string; payload: string }> = [];
      c.on('message', (topic, p) => seen.push({ topic, payload: p.toString() }));
      await c.subscribeAsync('#', { qos: 1 });
      return { c, seen };
    };
    const ha = await client('homeassistant');
    const intruder = await client('intruder');
    await t.start();
    await waitFor(() => ha.seen.some((m) => m.topic === `${BASE}/availability` && m.payload === 'online'), 'controller online, seen by Home Assistant');
    await waitFor(() => ha.seen.some((m) => m.topic.startsWith('homeassistant/device/')), 'discovery');
    expect(intruder.seen.filter((m) => m.topic.startsWith('terrarium/'))).toEqual([]); // cannot even read

    const results = (): Array<{ id?: string }> => ha.seen.filter((m) => m.topic === `${BASE}/gecko/result`).map((m) => JSON.parse(m.payload) as { id?: string });
    await intruder.c.publishAsync(`${BASE}/gecko/cmd/mode`, '{"mode":"manual","id":"x1"}', { qos: 1 });
    await intruder.c.publishAsync(`${BASE}/gecko/state`, '{"fake":true}', { qos: 1, retain: true });
    await ha.c.publishAsync(`${BASE}/gecko/cmd/mode`, '{"mode":"manual","id":"h1"}', { qos: 1 });
    await waitFor(() => t.drainCommands(10) > 0 || results().some((r) => r.id === 'h1'), 'the keeper command ran');
    await waitFor(() => results().some((r) => r.id === 'h1'), 'its result');
    expect(sink.calls).toEqual([['setMode', 'gecko', 'manual']]);
    expect(results().some((r) => r.id === 'x1')).toBe(false);
    expect(ha.seen.some((m) => m.payload.includes('"fake"'))).toBe(false);
  });
});
