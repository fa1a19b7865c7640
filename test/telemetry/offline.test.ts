import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { startAedes } from './support/brokers.js';
import { RecordingSink, T0, silentLog, snapshot, testConfig } from './support/fixtures.js';
import { waitFor } from './support/wait.js';

/** A port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('telemetry without a reachable broker', { timeout: 30_000 }, () => {
  let dir: string;
  const stops: Array<() => Promise<void> | void> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'telemetry-offline-'));
  });
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is inert when no mqtt section is configured: no connection, nothing in the outbox', async () => {
    const clock = new VirtualClock(T0);
    const outbox = new Outbox(join(dir, 'o.db'), { maxRows: 100, maxAgeMs: 3600_000, clock });
    stops.push(() => outbox.close());
    let connects = 0;
    const t = new Telemetry({ config: testConfig(null), clock, random: new SeededRandom(1), log: silentLog(), outbox, sink: new RecordingSink(), connect: () => (connects++, null as unknown as MqttClient) });
    await t.start();
    t.publishSnapshot(snapshot(T0, 25));
    t.publishEvent('gecko', { type: 'notice', message: 'x', at: T0 });
    expect(t.drainCommands(10)).toBe(0);
    expect(t.status()).toEqual({ connected: false, authFailed: false, outboxPending: 0, outboxDropped: 0, commandsDropped: 0, attempts: 0 });
    await t.stop();
    expect(connects).toBe(0);
    expect(outbox.pending()).toBe(0);
  });

  it('starts at once with the broker down, reports why, keeps readings in the outbox and stops cleanly', async () => {
    const clock = new VirtualClock(T0);
    const outbox = new Outbox(join(dir, 'o.db'), { maxRows: 100, maxAgeMs: 3600_000, clock });
    stops.push(() => outbox.close());
    const t = new Telemetry({ config: testConfig({ url: `mqtt://127.0.0.1:${await closedPort()}`, publishIntervalSeconds: 60 }), clock, random: new SeededRandom(1), log: silentLog(), outbox, sink: new RecordingSink() });
    await t.start();
    await waitFor(() => t.status().lastError !== undefined, 'connection error');
    expect(t.status()).toMatchObject({ connected: false, authFailed: false });
    expect(t.status().lastError).toMatch(/ECONNREFUSED/);
    expect(t.brokerHealth()).toMatchObject({ id: 'mqtt', kind: 'broker', enclosureId: null, status: 'degraded' });
    for (let i = 0; i < 5; i++) {
      t.publishSnapshot(snapshot(clock.now(), 25));
      await clock.advance(60_000);
    }
    expect(t.status().outboxPending).toBe(5);
    await t.stop();
    expect(clock.pending()).toBe(0);
  });
});

describe('telemetry against a broker that refuses the login', { timeout: 30_000 }, () => {
  it('reports the auth failure in status and health, keeps the password out of the logs, and does not retry in a tight loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telemetry-auth-'));
    const h = await startAedes({
      authenticate: (_client, _user, _password, done) => done(Object.assign(new Error('bad credentials'), { returnCode: 4 }), null),
    });
    const clock = new VirtualClock(T0);
    const outbox = new Outbox(join(dir, 'o.db'), { maxRows: 100, maxAgeMs: 3600_000, clock });
    let logs = '';
    const log = pino({ level: 'trace' }, { write: (s: string) => void (logs += s) });
    const clients: MqttClient[] = [];
    const t = new Telemetry({
      config: testConfig({ url: h.url, protocolVersion: 4, username: 'keeper', passwordEnv: 'TERRA_TEST_PW', reconnect: { minMs: 1000, maxMs: 30_000, authFailureMs: 600_000 } }),
      clock,
      random: new SeededRandom(3),
      log,
      outbox,
      sink: new RecordingSink(),
      secrets: { env: { TERRA_TEST_PW: 'hunter2-secret' }, readFile: () => Buffer.alloc(0) },
      connect: (url, o) => {
        const c = mqtt.connect(url, o);
        clients.push(c);
        return c;
      },
    });
    try {
      await t.start();
      await waitFor(() => t.status().authFailed, 'auth failure');
      expect(t.status().lastError).toMatch(/MQTT_AUTH: broker refused the login: Connection refused: Bad username or password/);
      expect(t.brokerHealth().status).toBe('failed');
      // Four times the normal maximum backoff: still no second attempt (the auth backoff is 5..10 min).
      for (let i = 0; i < 120; i++) await clock.advance(1000);
      expect(clients).toHaveLength(1);
      expect(t.status().attempts).toBe(1);
      await waitFor(() => clients.length === 2, 'retry after the long backoff', { clock, stepMs: 10_000, timeoutMs: 10_000 });
      expect(clock.now() - T0).toBeGreaterThanOrEqual(300_000);
      expect(logs).toContain('mqtt error');
      expect(logs).not.toContain('hunter2-secret');
      expect(JSON.stringify(t.status())).not.toContain('hunter2-secret');
    } finally {
      await t.stop();
      outbox.close();
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
