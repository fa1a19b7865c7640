import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import type { Config } from '../../src/config/load.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { statePayload } from '../../src/telemetry/payloads.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { type BrokerHarness, Observer, findMosquitto, startAedes, startMosquitto } from './support/brokers.js';
import { RecordingSink, T0, geckoEnclosure, silentLog, smallEnclosure, snapshot, testConfig } from './support/fixtures.js';
import { checkDiscoverySet } from './support/ha-checker.js';
import { waitFor } from './support/wait.js';

const MOSQUITTO = findMosquitto();
const REQUIRED = Boolean(process.env.REQUIRE_MOSQUITTO);

const BASE = 'terrarium/terra01';
const AVAIL = `${BASE}/availability`;
const STATE = `${BASE}/gecko/state`;
const READINGS = `${BASE}/gecko/readings`;
const RESULT = `${BASE}/gecko/result`;
const INDEX = `${BASE}/discovery-index`;
const DEV = (id: string): string => `homeassistant/device/${id}/config`;
const CHECK = { prefix: 'homeassistant', online: 'online', offline: 'offline' };
const MIN = 60_000;

interface Rig {
  t: Telemetry;
  outbox: Outbox;
  clock: VirtualClock;
  sink: RecordingSink;
  clients: MqttClient[];
  config: Config;
}

/** Reading times the cadence rule gives for snapshots at `times` (one per `intervalMs`, first at once). */
function cadence(times: number[], intervalMs = MIN): number[] {
  const out: number[] = [];
  let last = -Infinity;
  for (const t of times) if (t - last >= intervalMs) out.push((last = t));
  return out;
}

const readingTimes = (seen: Array<{ payload: string }>): number[] => seen.map((m) => Date.parse((JSON.parse(m.payload) as { at: string }).at));

function brokerSuite(name: string, start: () => Promise<BrokerHarness>): void {
  describe(`against ${name}`, { timeout: 60_000 }, () => {
    let h: BrokerHarness;
    let dir: string;
    let cleanups: Array<() => unknown>;

    beforeEach(async () => {
      cleanups = [];
      dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
      h = await start();
    });
    afterEach(async () => {
      for (const c of cleanups.reverse()) await c();
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const rig = (o: { clock?: VirtualClock; file?: string; mqtt?: Record<string, unknown>; enclosures?: Array<Record<string, unknown>> } = {}): Rig => {
      const clock = o.clock ?? new VirtualClock(T0);
      const config = testConfig({ url: h.url, reconnect: { minMs: 1000, maxMs: 30_000 }, ...o.mqtt }, o.enclosures);
      const m = config.mqtt!;
      const outbox = new Outbox(o.file ?? join(dir, 'outbox.db'), { maxRows: m.outbox.maxRows, maxAgeMs: m.outbox.maxAgeHours * 3600_000, clock });
      const sink = new RecordingSink();
      const clients: MqttClient[] = [];
      const t = new Telemetry({
        config,
        clock,
        random: new SeededRandom(7),
        log: silentLog(),
        outbox,
        sink,
        connect: (url, opts) => {
          const c = mqtt.connect(url, opts);
          clients.push(c);
          return c;
        },
      });
      cleanups.push(async () => {
        await t.stop();
        outbox.close();
      });
      return { t, outbox, clock, sink, clients, config };
    };
    const observe = async (): Promise<Observer> => {
      const o = await Observer.connect(h.url);
      cleanups.push(() => o.close());
      return o;
    };
    const online = async (r: Rig, obs: Observer): Promise<void> => {
      await r.t.start();
      await waitFor(() => obs.last(AVAIL)?.payload === 'online', 'availability online');
    };
    /** Feeds a snapshot every 10 s of virtual time for `ms`. */
    const runFor = async (r: Rig, ms: number, fed: number[]): Promise<void> => {
      for (let t = 0; t < ms; t += 10_000) {
        await r.clock.advance(10_000);
        r.t.publishSnapshot(snapshot(r.clock.now(), 26 + (fed.length % 10) / 10));
        fed.push(r.clock.now());
      }
    };

    it('announces itself with retained availability, state and discovery that Home Assistant accepts', async () => {
      const r = rig({ enclosures: [geckoEnclosure(), smallEnclosure()] });
      const live = await observe();
      await online(r, live);
      const snap = snapshot(r.clock.now(), 27.5);
      r.t.publishSnapshot(snap);
      await waitFor(() => live.on(STATE).length > 0, 'state');
      await waitFor(() => live.on(INDEX).length > 0, 'discovery index', { clock: r.clock, stepMs: 500 });

      const late = await observe();
      await waitFor(() => late.on(DEV('terra01_hatchlings')).length > 0 && late.on(STATE).length > 0 && late.on(INDEX).length > 0, 'retained messages');
      expect(late.last(AVAIL)).toEqual({ topic: AVAIL, payload: 'online', retain: true });
      expect(late.last(STATE)?.retain).toBe(true);
      expect(JSON.parse(late.last(STATE)!.payload)).toEqual({ ...statePayload(snap), seq: 1, lastCommand: null });
      const disco = late.messages.filter((m) => m.topic.startsWith('homeassistant/device/'));
      expect(disco.map((m) => m.topic).sort()).toEqual([DEV('terra01'), DEV('terra01_gecko'), DEV('terra01_hatchlings')]);
      expect(disco.every((m) => m.retain)).toBe(true);
      expect(checkDiscoverySet(disco, CHECK)).toEqual([]);
      expect(Object.keys(JSON.parse(late.last(INDEX)!.payload).devices).sort()).toEqual([DEV('terra01'), DEV('terra01_gecko'), DEV('terra01_hatchlings')]);
    });

    it('publishes readings and events from the outbox with their own timestamps', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      r.t.publishSnapshot(snapshot(T0 - 5000, 25));
      r.t.publishEvent('gecko', { type: 'feed', actuatorId: 'feeder', at: T0 - 2000, reason: 'manual' });
      r.t.publishEvent(null, { type: 'notice', message: 'controller started', at: T0 - 1000 });
      await waitFor(() => obs.on(`${BASE}/event`).length > 0 && obs.on(READINGS).length > 0 && obs.on(`${BASE}/gecko/event`).length > 0, 'readings and events');
      expect(JSON.parse(obs.last(READINGS)!.payload)).toMatchObject({ at: '2026-03-01T09:59:55.000Z', seq: 1 });
      expect(JSON.parse(obs.last(`${BASE}/gecko/event`)!.payload)).toEqual({ type: 'feed', enclosureId: 'gecko', actuatorId: 'feeder', at: '2026-03-01T09:59:58.000Z', reason: 'manual', seq: 2 });
      expect(JSON.parse(obs.last(`${BASE}/event`)!.payload)).toEqual({ type: 'notice', enclosureId: null, message: 'controller started', at: '2026-03-01T09:59:59.000Z', seq: 3 });
      await waitFor(() => r.t.status().outboxPending === 0, 'outbox drained');
    });

    it('leaves a retained offline through the LWT when the controller dies, and comes back online', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      const before = r.clients.length;
      r.clients[before - 1].stream.destroy();
      await waitFor(() => obs.last(AVAIL)?.payload === 'offline', 'LWT offline');
      const late = await observe();
      await waitFor(() => late.on(AVAIL).length > 0, 'retained availability');
      expect(late.last(AVAIL)).toEqual({ topic: AVAIL, payload: 'offline', retain: true });
      await waitFor(() => obs.last(AVAIL)?.payload === 'online', 'online again', { clock: r.clock, stepMs: 1000 });
      expect(r.clients).toHaveLength(before + 1);
    });

    it('publishes retained offline itself on a clean stop and releases every timer', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      await r.t.stop();
      await waitFor(() => obs.last(AVAIL)?.payload === 'offline', 'offline');
      expect(r.clock.pending()).toBe(0);
      const late = await observe();
      await waitFor(() => late.on(AVAIL).length > 0, 'retained availability');
      expect(late.last(AVAIL)).toEqual({ topic: AVAIL, payload: 'offline', retain: true });
    });

    it('accepts every command kind and answers each with its correlation id', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      const commands: Array<[string, string]> = [
        ['mode', '{"mode":"manual","id":"c1"}'],
        ['setpoint', '{"valueC":30,"durationMinutes":45,"id":"c2"}'],
        ['setpoint', '27'],
        ['setpoint/clear', 'PRESS'],
        ['output/heater', 'ON'],
        ['output/mister', '{"on":false,"id":"c6"}'],
        ['feed', 'PRESS'],
        ['acknowledge', '{"id":"c8"}'],
      ];
      for (const [path, payload] of commands) await obs.publish(`${BASE}/gecko/cmd/${path}`, payload);
      let ran = 0;
      await waitFor(() => (ran += r.t.drainCommands(3)) >= commands.length, 'commands drained');
      await waitFor(() => obs.on(RESULT).length >= commands.length, 'results');
      expect(r.sink.calls).toEqual([
        ['setMode', 'gecko', 'manual'],
        ['setSetpointOverride', 'gecko', 30, 45],
        ['setSetpointOverride', 'gecko', 27, 120],
        ['clearSetpointOverride', 'gecko'],
        ['setOutput', 'gecko', 'heater', true],
        ['setOutput', 'gecko', 'mister', false],
        ['feedNow', 'gecko'],
        ['acknowledge', 'gecko'],
      ]);
      const results = obs.on(RESULT).map((m) => JSON.parse(m.payload) as Record<string, unknown>);
      expect(results.map((x) => [x.id, x.command, x.ok, x.detail, x.enclosureId])).toEqual([
        ['c1', 'mode', true, 'done', 'gecko'],
        ['c2', 'setpoint', true, 'done', 'gecko'],
        [undefined, 'setpoint', true, 'done', 'gecko'],
        [undefined, 'setpoint/clear', true, 'done', 'gecko'],
        [undefined, 'output/heater', true, 'done', 'gecko'],
        ['c6', 'output/mister', true, 'done', 'gecko'],
        [undefined, 'feed', true, 'done', 'gecko'],
        ['c8', 'acknowledge', true, 'done', 'gecko'],
      ]);
      expect(results[0].at).toBe('2026-03-01T10:00:00.000Z');
      expect(obs.on(RESULT).every((m) => !m.retain)).toBe(true);
    });

    it('rejects malformed, unknown, out-of-range and retained commands with reasons and never calls the sink', async () => {
      const obs = await observe();
      await obs.publish(`${BASE}/gecko/cmd/output/heater`, 'ON', true); // retained before the controller starts
      const r = rig();
      await online(r, obs);
      const bad: Array<[string, string, string, RegExp]> = [
        ['gecko', 'mode', 'turbo', /mode must be "auto" or "manual"/],
        ['gecko', 'setpoint', '{"valueC":50,"id":"hot"}', /setpoint 50 °C is outside 17..33 °C/],
        ['gecko', 'setpoint', '{"valueC":', /malformed JSON/],
        ['gecko', 'output/nosuch', 'ON', /unknown actuator "nosuch"/],
        ['gecko', 'output/heater', 'MAYBE', /ON or OFF/],
        ['gecko', 'launch', 'PRESS', /unknown command "launch"/],
        ['ghost', 'mode', 'auto', /unknown enclosure "ghost"/],
      ];
      for (const [enc, path, payload] of bad) await obs.publish(`${BASE}/${enc}/cmd/${path}`, payload);
      await waitFor(() => obs.on(RESULT).length + obs.on(`${BASE}/ghost/result`).length >= bad.length + 1, 'rejections (and the retained one)');
      const all = [...obs.on(RESULT), ...obs.on(`${BASE}/ghost/result`)].map((m) => JSON.parse(m.payload) as { ok: boolean; command: string; reason: string; id?: string });
      expect(all.find((x) => x.command === 'output/heater' && /retained command ignored/.test(x.reason))).toBeDefined();
      for (const [, path, , reason] of bad) expect(all.find((x) => x.command === path && reason.test(x.reason)), `${path} ${reason}`).toBeDefined();
      expect(all.find((x) => x.id === 'hot')?.ok).toBe(false);
      expect(all.every((x) => x.ok === false)).toBe(true);
      expect(r.t.drainCommands(100)).toBe(0);
      expect(r.sink.calls).toEqual([]);
    });

    it('refuses a command flood beyond the queue and runs only the bounded number per tick', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      await Promise.all(Array.from({ length: 50 }, (_, i) => obs.publish(`${BASE}/gecko/cmd/mode`, `{"mode":"auto","id":"f${i}"}`)));
      await waitFor(() => obs.on(RESULT).length >= 18, 'overflow refusals');
      expect(r.t.drainCommands(5)).toBe(5);
      expect(r.sink.calls).toHaveLength(5);
      expect(r.t.status().commandsDropped).toBe(18);
      await waitFor(() => obs.on(RESULT).length >= 23, 'results of the five');
      const refusals = obs.on(RESULT).map((m) => JSON.parse(m.payload) as { ok: boolean; reason?: string }).filter((x) => !x.ok);
      expect(refusals).toHaveLength(18);
      expect(refusals.every((x) => x.reason === 'command queue full (32 waiting)')).toBe(true);
    });

    it('republishes discovery and state when Home Assistant announces itself', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      r.t.publishSnapshot(snapshot(r.clock.now(), 26));
      await waitFor(() => obs.on(DEV('terra01_gecko')).length === 1 && obs.on(STATE).length === 1, 'first discovery');
      await obs.publish('homeassistant/status', 'online');
      await waitFor(() => obs.on(DEV('terra01_gecko')).length === 2 && obs.on(STATE).length === 2, 'discovery again', { clock: r.clock, stepMs: 250 });
      expect(obs.on(DEV('terra01')).length).toBe(2);
    });

    it.each([
      ['the local index', true],
      ['the retained index on the broker', false],
    ])('removes the entities of an enclosure that left the config, using %s', async (_how, sameFile) => {
      const obs = await observe();
      const clock = new VirtualClock(T0);
      const r1 = rig({ clock, file: join(dir, 'a.db'), enclosures: [geckoEnclosure(), smallEnclosure()] });
      await online(r1, obs);
      await waitFor(() => obs.on(INDEX).length > 0, 'first index', { clock, stepMs: 500 });
      await r1.t.stop();
      r1.outbox.close();
      const r2 = rig({ clock, file: join(dir, sameFile ? 'a.db' : 'b.db'), enclosures: [geckoEnclosure()] });
      await r2.t.start();
      // No clock advance: removal must not depend on the index grace timer.
      await waitFor(() => obs.on(DEV('terra01_hatchlings')).some((m) => m.payload === ''), 'hatchlings removed');
      await waitFor(() => obs.on(INDEX).length > 1, 'new index', { clock, stepMs: 500 });
      expect(Object.keys(JSON.parse(obs.last(INDEX)!.payload).devices).sort()).toEqual([DEV('terra01'), DEV('terra01_gecko')]);
      expect(obs.on(DEV('terra01_gecko')).every((m) => m.payload !== '')).toBe(true);
    });

    it('loses no reading during a one-hour broker outage and delivers them all in order afterwards', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      const fed: number[] = [];
      await runFor(r, 10 * MIN, fed);
      await waitFor(() => obs.on(READINGS).length === 10 && r.t.status().outboxPending === 0, 'readings before the outage');

      await h.stop();
      await waitFor(() => !r.t.status().connected, 'disconnect');
      await runFor(r, 60 * MIN, fed);
      expect(r.t.status()).toMatchObject({ connected: false, outboxPending: 60, outboxDropped: 0 });

      await h.restart();
      const after = await observe();
      await waitFor(() => r.t.status().connected, 'reconnect', { clock: r.clock, stepMs: 1000, timeoutMs: 15_000 });
      await waitFor(() => after.on(READINGS).length === 60, 'backlog delivered', { timeoutMs: 15_000 });
      expect(readingTimes([...obs.on(READINGS), ...after.on(READINGS)])).toEqual(cadence(fed));
      expect(cadence(fed)).toHaveLength(70);
      await waitFor(() => r.t.status().outboxPending === 0, 'every row acknowledged');
      expect(r.t.status().outboxDropped).toBe(0);
      await waitFor(() => after.on(STATE).length > 0 && after.last(AVAIL)?.payload === 'online', 'state republished after the broker restart');
    });

    it('loses nothing when the controller restarts during the outage', async () => {
      const clock = new VirtualClock(T0);
      const file = join(dir, 'restart.db');
      const r1 = rig({ clock, file });
      const obs = await observe();
      await online(r1, obs);
      const fed1: number[] = [];
      await runFor(r1, 5 * MIN, fed1);
      await waitFor(() => obs.on(READINGS).length === 5 && r1.t.status().outboxPending === 0, 'readings before the outage');
      await h.stop();
      await waitFor(() => !r1.t.status().connected, 'disconnect');
      await runFor(r1, 30 * MIN, fed1);
      await r1.t.stop();
      r1.outbox.close();

      const r2 = rig({ clock, file });
      await r2.t.start();
      expect(r2.t.status().outboxPending).toBe(30);
      const fed2: number[] = [];
      await runFor(r2, 30 * MIN, fed2);
      await h.restart();
      const after = await observe();
      await waitFor(() => r2.t.status().connected, 'reconnect', { clock, stepMs: 1000, timeoutMs: 15_000 });
      await waitFor(() => after.on(READINGS).length === 60, 'backlog delivered', { timeoutMs: 15_000 });
      const expected = [...cadence(fed1), ...cadence(fed2)];
      expect(expected).toHaveLength(65);
      expect(readingTimes([...obs.on(READINGS), ...after.on(READINGS)])).toEqual(expected);
      // One counter across the restart: a consumer sees 1..65 with no gap, the backlog marked as replayed.
      const parsed = (l: Array<{ payload: string }>) => l.map((m) => JSON.parse(m.payload) as { seq: number; replayed?: boolean });
      expect([...parsed(obs.on(READINGS)), ...parsed(after.on(READINGS))].map((p) => p.seq)).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
      expect(parsed(obs.on(READINGS)).some((p) => p.replayed)).toBe(false);
      expect(parsed(after.on(READINGS)).every((p) => p.replayed === true)).toBe(true);
      await waitFor(() => after.on(`${BASE}/status`).length > 0, 'status');
      expect(JSON.parse(after.last(`${BASE}/status`)!.payload)).toMatchObject({ seq: 65 });
    });

    it('speaks MQTT 5 by default, and MQTT 3.1.1 at once to a broker that refuses 5', async () => {
      const r = rig();
      const obs = await observe();
      await online(r, obs);
      expect(r.t.status().protocolVersion).toBe(name.startsWith('aedes') ? 4 : 5);
      expect(r.t.status().attempts).toBe(name.startsWith('aedes') ? 2 : 1); // the fallback is immediate, no backoff
      expect(r.clients.map((c) => c.options.protocolVersion)).toEqual(name.startsWith('aedes') ? [5, 4] : [5]);
    });

    it.skipIf(name.startsWith('aedes'))('works the same over MQTT 5 (aedes speaks 3.1.1 only)', async () => {
      const r = rig({ mqtt: { protocolVersion: 5 } });
      const obs = await observe();
      await online(r, obs);
      r.t.publishSnapshot(snapshot(r.clock.now(), 26));
      await waitFor(() => obs.on(STATE).length > 0 && obs.on(READINGS).length > 0, 'state and reading over MQTT 5');
      await r.t.stop();
      await waitFor(() => obs.last(AVAIL)?.payload === 'offline', 'offline');
    });

    it('keeps the newest rows within the outbox bound during an outage and counts the loss', async () => {
      const r = rig({ mqtt: { outbox: { maxRows: 20 } } });
      const obs = await observe();
      await online(r, obs);
      await h.stop();
      await waitFor(() => !r.t.status().connected, 'disconnect');
      const fed: number[] = [];
      await runFor(r, 60 * MIN, fed);
      expect(r.t.status()).toMatchObject({ outboxPending: 20, outboxDropped: 40 });
      await h.restart();
      const after = await observe();
      await waitFor(() => r.t.status().connected, 'reconnect', { clock: r.clock, stepMs: 1000, timeoutMs: 15_000 });
      await waitFor(() => after.on(READINGS).length === 20, 'newest rows delivered', { timeoutMs: 15_000 });
      expect(readingTimes(after.on(READINGS))).toEqual(cadence(fed).slice(-20));
      await waitFor(() => after.on(`${BASE}/status`).length > 0, 'status');
      expect(JSON.parse(after.last(`${BASE}/status`)!.payload)).toMatchObject({ outboxDropped: 40 });
    });
  });
}

brokerSuite('aedes (in-process)', () => startAedes());

describe.skipIf(!MOSQUITTO && !REQUIRED)('mosquitto child process', () => {
  brokerSuite('mosquitto', () => startMosquitto(MOSQUITTO));
});
