import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { REJECTION_LOG_INTERVAL_MS } from '../../src/telemetry/rejection-log.js';
import type { CommandResult } from '../../src/telemetry/sink.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { type BrokerHarness, Observer, findMosquitto, startMosquitto } from './support/brokers.js';
import { RecordingSink, T0, testConfig } from './support/fixtures.js';
import { waitFor } from './support/wait.js';

const MOSQUITTO = findMosquitto();
const REQUIRED = Boolean(process.env.REQUIRE_MOSQUITTO);
const BASE = 'terrarium/terra01';

type Result = { ref: number; id?: string; command: string; ok: boolean; final: boolean; outcome: string; reason?: string; detail?: string; enclosureId: string };

describe.skipIf(!MOSQUITTO && !REQUIRED)('command results against mosquitto', { timeout: 60_000 }, () => {
  let h: BrokerHarness;
  let dir: string;
  let cleanups: Array<() => unknown>;

  beforeEach(async () => {
    cleanups = [];
    dir = mkdtempSync(join(tmpdir(), 'cmd-results-'));
    h = await startMosquitto(MOSQUITTO);
  });
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rig = async (o: { mqtt?: Record<string, unknown>; answer?: (method: string) => CommandResult; log?: pino.Logger } = {}) => {
    const clock = new VirtualClock(T0);
    const config = testConfig({ url: h.url, ...o.mqtt });
    const outbox = new Outbox(join(dir, 'outbox.db'), { maxRows: 1000, maxAgeMs: 3600_000, clock });
    const sink = new RecordingSink(o.answer);
    const t = new Telemetry({ config, clock, random: new SeededRandom(1), log: o.log ?? pino({ level: 'silent' }), outbox, sink });
    cleanups.push(async () => {
      await t.stop();
      outbox.close();
    });
    // Only results: the broker's per-client queue (1000 by default) must not drop any of them.
    const obs = await Observer.connect(h.url, `${BASE}/+/result`);
    cleanups.push(() => obs.close());
    await t.start();
    await waitFor(() => t.status().connected, 'online');
    // The command subscription is in place once a probe command is answered.
    await obs.publish(`${BASE}/gecko/cmd/nosuch`, 'x');
    await waitFor(() => results(obs).length === 1, 'probe answered');
    obs.messages.length = 0;
    return { t, clock, sink, obs };
  };
  const results = (obs: Observer): Result[] => obs.messages.filter((m) => /\/result$/.test(m.topic)).map((m) => JSON.parse(m.payload) as Result);

  it('refuses a retained command published while the controller is connected (MQTT 5 retain-as-published)', async () => {
    const { t, sink, obs } = await rig();
    await obs.publish(`${BASE}/gecko/cmd/mode`, '{"mode":"manual","id":"r1"}', true);
    await waitFor(() => results(obs).length === 1, 'result');
    expect(t.drainCommands(10)).toBe(0);
    expect(sink.calls).toEqual([]);
    expect(results(obs)[0]).toMatchObject({ id: 'r1', ok: false, final: true, outcome: 'rejected', reason: 'retained command ignored: publish commands with retain=false' });
    await obs.publish(`${BASE}/gecko/cmd/mode`, '', true); // clear it
  });

  it('answers every message under the command root exactly once, whatever its topic shape', async () => {
    const { t, obs } = await rig();
    const topics = [`${BASE}/gecko/cmd`, `${BASE}//cmd/mode`, `${BASE}//cmd`, `${BASE}/gecko/cmd/output/heater/extra`, `${BASE}/gecko/cmd/a/b/c/d`, `${BASE}/gecko/cmd/`, `${BASE}/ghost/cmd/mode`, `${BASE}/gecko/cmd//`];
    for (const topic of topics) await obs.publish(topic, 'auto');
    await waitFor(() => results(obs).length === topics.length, 'all answered');
    t.drainCommands(10);
    const byTopic = new Map(obs.messages.filter((m) => /\/result$/.test(m.topic)).map((m) => [m.topic, 0]));
    for (const m of obs.messages.filter((x) => /\/result$/.test(x.topic))) byTopic.set(m.topic, (byTopic.get(m.topic) ?? 0) + 1);
    expect(Object.fromEntries(byTopic)).toEqual({ [`${BASE}/gecko/result`]: 5, [`${BASE}//result`]: 2, [`${BASE}/ghost/result`]: 1 });
    expect(results(obs).every((r) => r.final && !r.ok)).toBe(true);
    expect(new Set(results(obs).map((r) => r.ref)).size).toBe(topics.length);
  });

  it('fuzz: every one of 600 random messages gets exactly one final result', async () => {
    const { t, obs } = await rig();
    const rnd = new SeededRandom(42);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd.next() * xs.length)];
    const paths = ['mode', 'setpoint', 'setpoint/clear', 'output/heater', 'output/cutoff', 'output/x', 'feed', 'acknowledge', '', 'a/b', 'output', 'mode/x'];
    const payloads = ['auto', 'manual', 'ON', 'OFF', 'PRESS', '27.5', '99', '{"mode":"auto","id":"j"}', '{"on":true}', '{"valueC":', '', '{"id":5}', 'x'.repeat(2000), '\u0000\u00ff'];
    const sent: string[] = [];
    const pubs: Array<Promise<unknown>> = [];
    for (let i = 0; i < 600; i++) {
      const enc = pick(['gecko', 'gecko', 'gecko', '', 'ghost']);
      const retain = rnd.next() < 0.1;
      const path = pick(paths);
      const topic = `${BASE}/${enc}/cmd${path ? `/${path}` : ''}`;
      sent.push(topic);
      pubs.push(obs.client.publishAsync(topic, pick(payloads), { qos: 1, retain }));
      if (i % 50 === 49) t.drainCommands(10); // the control loop keeps ticking meanwhile
    }
    await Promise.all(pubs);
    const finals = (): Result[] => results(obs).filter((r) => r.final);
    await waitFor(
      () => {
        t.drainCommands(10);
        return finals().length >= sent.length;
      },
      'every message answered',
      { timeoutMs: 20_000 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${finals().length} of ${sent.length}; results ${results(obs).length} ${JSON.stringify(t.status())}`);
    });
    const refs = finals().map((r) => r.ref);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs.length).toBe(sent.length);
    // Clear what the fuzz left retained.
    await Promise.all([...new Set(sent)].map((topic) => obs.client.publishAsync(topic, '', { qos: 1, retain: true })));
  });

  it('reports the later outcome of a command as a second result with the same id', async () => {
    let fed: CommandResult | null = null;
    const { t, obs } = await rig({ answer: (m) => (m === 'feedNow' ? { ok: true, outcome: 'accepted', detail: 'feed requested', settle: () => fed } : { ok: true }) });
    await obs.publish(`${BASE}/gecko/cmd/feed`, '{"id":"f1"}');
    await waitFor(() => t.drainCommands(10) === 1, 'drained');
    await waitFor(() => results(obs).length === 1, 'accepted');
    expect(results(obs)[0]).toMatchObject({ id: 'f1', ok: true, final: false, outcome: 'accepted' });
    t.drainCommands(10); // the next tick: outcome not known yet
    fed = { ok: false, outcome: 'skipped', reason: 'daily cap reached (1/1 on 2026-03-01)' };
    t.drainCommands(10);
    await waitFor(() => results(obs).length === 2, 'final');
    expect(results(obs)[1]).toMatchObject({ id: 'f1', ref: results(obs)[0].ref, ok: false, final: true, outcome: 'skipped', reason: 'daily cap reached (1/1 on 2026-03-01)' });
  });

  it('answers a disabled command kind and shows no control for it', async () => {
    const { t, sink, obs } = await rig({ mqtt: { allowedCommands: ['acknowledge'] } });
    await obs.publish(`${BASE}/gecko/cmd/output/heater`, 'ON');
    await obs.publish(`${BASE}/gecko/cmd/acknowledge`, 'PRESS');
    await waitFor(() => results(obs).length === 1, 'refusal');
    await waitFor(() => t.drainCommands(10) === 1, 'ack drained');
    expect(sink.calls).toEqual([['acknowledge', 'gecko']]);
    expect(results(obs)[0]).toMatchObject({ command: 'output/heater', ok: false, reason: 'command "output" is disabled on this controller (mqtt.allowedCommands: acknowledge)' });
  });

  it('logs a flood of rejected commands as one line and a count per interval', async () => {
    let logs = '';
    const log = pino({ level: 'info' }, { write: (s: string) => void (logs += s) });
    const { t, clock, obs } = await rig({ log });
    logs = '';
    await Promise.all(Array.from({ length: 200 }, () => obs.client.publishAsync(`${BASE}/gecko/cmd/mode`, 'turbo', { qos: 1 })));
    await waitFor(() => results(obs).length === 200, 'all refused');
    await clock.advance(REJECTION_LOG_INTERVAL_MS);
    t.drainCommands(1);
    const lines = logs.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; count?: number });
    const rejected = lines.filter((l) => l.msg.startsWith('mqtt command rejected'));
    // The probe opened the interval with its own line; the 200 are one summary line.
    expect(rejected).toHaveLength(1);
    expect(rejected[0].count).toBe(200);
  });
});
