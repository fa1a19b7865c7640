import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startService, type Service } from '../../src/app/service.js';
import { queryStatusSocket } from '../../src/app/status-server.js';
import type { StatusReport } from '../../src/app/status-report.js';
import { loadConfig } from '../../src/config/load.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { Observer, findMosquitto, startMosquitto } from './support/brokers.js';
import { waitFor } from './support/wait.js';

const MOSQUITTO = findMosquitto();
const REQUIRED = Boolean(process.env.REQUIRE_MOSQUITTO);
const BASE = 'terrarium/sim-terrarium';

type Result = { ref: number; id?: string; command: string; ok: boolean; final: boolean; outcome: string; reason?: string; detail?: string };

/**
 * The whole controller (service, tick loop, simulated terrarium, telemetry) against Mosquitto,
 * driven as a keeper with Home Assistant would. Real time (sockets need it); waits are for events.
 */
describe.skipIf(!MOSQUITTO && !REQUIRED)('controller commands and shutdown over mosquitto', () => {
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it('holds the wear limits against a flood of manual toggles, answers each with its outcome, and stops safe, then offline', async () => {
    const broker = await startMosquitto(MOSQUITTO);
    cleanup.push(() => broker.close());
    const dir = mkdtempSync(join(tmpdir(), 'ctl-mqtt-'));
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.controller.stateDir = join(dir, 'state');
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    raw.host = { enabled: false };
    raw.mqtt = { url: broker.url, publishIntervalSeconds: 1 };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(raw));
    const ha = await Observer.connect(broker.url, `${BASE}/#`);
    cleanup.push(() => ha.close());
    const service: Service = await startService({ config: loadConfig(file), clock: new SystemClock(), log: silentLogger() });
    let stopped = false;
    cleanup.push(async () => {
      if (!stopped) await service.stop();
    });
    const results = (): Result[] => ha.on(`${BASE}/gecko/result`).map((m) => JSON.parse(m.payload) as Result);
    const state = (): { actuators: Record<string, { on: boolean; reason: string }>; seq: number; lastCommand: { summary: string } | null } => JSON.parse(ha.last(`${BASE}/gecko/state`)!.payload);
    await waitFor(() => ha.last(`${BASE}/gecko/state`) !== undefined, 'retained state', { timeoutMs: 10_000 });

    // Files and socket are the service user's only.
    expect(statSync(join(dir, 'state', 'outbox.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state', 'terrarium.sock')).mode & 0o777).toBe(0o600);

    await ha.publish(`${BASE}/gecko/cmd/mode`, '{"mode":"manual","id":"m"}');
    await waitFor(() => results().some((r) => r.id === 'm' && r.final), 'manual mode', { timeoutMs: 10_000 });
    // Heater on, then a toggle flood: 40 commands over ~4 s.
    await ha.publish(`${BASE}/gecko/cmd/output/heater`, '{"on":true,"id":"on0"}');
    await waitFor(() => results().some((r) => r.id === 'on0' && r.final), 'first switch-on settled', { timeoutMs: 10_000 });
    const firstOn = results().find((r) => r.id === 'on0' && r.final)!;
    // The controller runs at most 10 queued commands per tick, so at 10 a second the batches can
    // all end on an "on" toggle: the last "off" is let through on its own (its final result awaited)
    // so that the last "on" always meets the minimum off time, whatever the batches' phase.
    for (let i = 1; i <= 40; i++) {
      await ha.publish(`${BASE}/gecko/cmd/output/heater`, JSON.stringify({ on: i % 2 === 0, id: `t${i}` }));
      if (i === 39) await waitFor(() => results().some((r) => r.id === 't39' && r.final), 'the last off toggle settled', { timeoutMs: 10_000 });
      else await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => results().filter((r) => /^t\d+$/.test(r.id ?? '') && r.final).length === 40, 'every toggle has a final result', { timeoutMs: 15_000 });
    const finals = results().filter((r) => /^t\d+$/.test(r.id ?? '') && r.final);
    // Exactly one final result each; a first "accepted" one before it.
    expect(new Set(finals.map((r) => r.id)).size).toBe(40);
    expect(results().filter((r) => /^t\d+$/.test(r.id ?? '') && !r.final).every((r) => r.outcome === 'accepted')).toBe(true);
    expect(finals.every((r) => ['applied', 'refused', 'superseded'].includes(r.outcome))).toBe(true);
    // The heater switched on at most once more after going off: held by its 60 s minimum off time.
    const heaterStates = ha.on(`${BASE}/gecko/state`).map((m) => (JSON.parse(m.payload) as { actuators: Record<string, { on: boolean }> }).actuators.heater.on);
    const switchOns = heaterStates.filter((on, i) => on && i > 0 && !heaterStates[i - 1]).length;
    expect(switchOns).toBeLessThanOrEqual(1 + (firstOn.outcome === 'applied' ? 1 : 0));
    const refusal = finals.find((r) => r.outcome === 'refused' && /minimum (on|off) time/.test(r.reason ?? ''));
    expect(refusal?.reason).toMatch(/may switch on at \d{4}-\d\d-\d\dT/);
    // Home Assistant sees the refusal: a state is republished with the refused command and the
    // output's real state and reason (the switch's attributes).
    const refusedStates = () =>
      ha.on(`${BASE}/gecko/state`).filter((m) => {
        const p = JSON.parse(m.payload) as { lastCommand: { outcome: string } | null; actuators: Record<string, { reason: string }> };
        return p.lastCommand?.outcome === 'refused' && /held off: minimum/.test(p.actuators.heater.reason);
      });
    await waitFor(() => refusedStates().length > 0, 'a refusal visible in the state', { timeoutMs: 5000 });

    // Feed now: first "accepted", then what happened (fed, or skipped and why) with the same id.
    await ha.publish(`${BASE}/gecko/cmd/feed`, '{"id":"f1"}');
    await waitFor(() => results().some((r) => r.id === 'f1' && r.final), 'feed outcome', { timeoutMs: 10_000 });
    const feed = results().filter((r) => r.id === 'f1');
    expect(feed.map((r) => [r.final, r.outcome])[0]).toEqual([false, 'accepted']);
    expect(feed).toHaveLength(2);
    expect(['fed', 'skipped']).toContain(feed[1].outcome);
    if (feed[1].outcome === 'skipped') expect(feed[1].reason).toBeTruthy();

    // status --json figures.
    const report = (await queryStatusSocket(join(dir, 'state', 'terrarium.sock'), { cmd: 'status' })) as StatusReport;
    expect(report.mqtt?.broker).toMatchObject({ connected: true, protocolVersion: 5 });
    expect(report.mqtt?.commands).toMatchObject({ received: 43, allowed: ['mode', 'setpoint', 'output', 'feed', 'acknowledge'] });
    expect(report.mqtt?.outbox.dropped).toBe(0);

    // Shutdown: outputs safe, the final state (heater off) published, then offline.
    ha.messages.length = 0;
    await service.stop();
    stopped = true;
    await waitFor(() => ha.last(`${BASE}/availability`)?.payload === 'offline', 'offline', { timeoutMs: 10_000 });
    const order = ha.messages.map((m) => m.topic);
    const lastState = order.lastIndexOf(`${BASE}/gecko/state`);
    expect(lastState).toBeGreaterThanOrEqual(0);
    expect(lastState).toBeLessThan(order.indexOf(`${BASE}/availability`));
    expect(state().actuators.heater.on).toBe(false);
  }, 90_000);
});
