import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../src/http/metrics.js';
import type { ComponentHealth } from '../../src/resilience/health-types.js';
import type { TelemetryStatus } from '../../src/telemetry/options.js';
import { VERSION } from '../../src/version.js';
import { drive } from '../../simulators/run-simulation.js';
import { parseExposition, running } from './harness.js';

type Samples = ReturnType<typeof parseExposition>;
const pick = (samples: Samples, name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const value = (samples: Samples, name: string, labels: Record<string, string> = {}): number => {
  const found = pick(samples, name, labels);
  if (found.length !== 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]!.value;
};

/** `promtool check metrics` on `text` (skipped with a warning without promtool unless REQUIRE_PROMTOOL). */
function promtoolCheck(text: string): void {
  const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (version.error) {
    if (process.env.REQUIRE_PROMTOOL) throw new Error('promtool is required (REQUIRE_PROMTOOL) but not installed: apt-get install prometheus');
    console.warn('promtool not installed (Debian package `prometheus`): skipping `promtool check metrics`');
    return;
  }
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect(`${check.stdout}${check.stderr}`).toBe('');
  expect(check.status).toBe(0);
}

describe('/metrics: on-time, lateness, samples, resilience, build', () => {
  it('counts an output on for the time it was held on, to the tick', async () => {
    const { clock, c, http, get } = await running();
    try {
      await clock.advance(5_000);
      const scrape = async () => parseExposition((await get('/metrics')).body);
      const fan0 = value(await scrape(), 'terrarium_output_on_seconds_total', { enclosure: 'gecko', actuator: 'fan', kind: 'fan' });
      expect(c.commands.setMode('gecko', 'manual').ok).toBe(true);
      expect(c.commands.setOutput('gecko', 'fan', true).ok).toBe(true);
      await clock.advance(2_000);
      expect(c.runtime('gecko')!.snapshot()!.actuators.fan!.on).toBe(true);
      const fanOn = value(await scrape(), 'terrarium_output_on_seconds_total', { enclosure: 'gecko', actuator: 'fan', kind: 'fan' });
      await clock.advance(600_000);
      const fan10 = value(await scrape(), 'terrarium_output_on_seconds_total', { enclosure: 'gecko', actuator: 'fan', kind: 'fan' });
      expect(fan10 - fanOn).toBeGreaterThanOrEqual(599);
      expect(fan10 - fanOn).toBeLessThanOrEqual(601);
      expect(fanOn - fan0).toBeLessThanOrEqual(2);
      expect(c.commands.setOutput('gecko', 'fan', false).ok).toBe(true);
      await clock.advance(2_000);
      expect(c.runtime('gecko')!.snapshot()!.actuators.fan!.on).toBe(false);
      const fanOff = value(await scrape(), 'terrarium_output_on_seconds_total', { enclosure: 'gecko', actuator: 'fan', kind: 'fan' });
      await clock.advance(300_000);
      expect(value(await scrape(), 'terrarium_output_on_seconds_total', { enclosure: 'gecko', actuator: 'fan', kind: 'fan' })).toBe(fanOff);
      expect(fanOff - fan10).toBeLessThanOrEqual(2);
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('times ticks and sensor samples, counts failures, breaker and recoveries of a sensor that leaves the bus, and passes promtool', async () => {
    const { clock, c, http, get, world } = await running();
    try {
      await clock.advance(30_000);
      let m = parseExposition((await get('/metrics')).body);
      expect(value(m, 'terrarium_tick_lateness_seconds_count')).toBe(c.progress().ticks);
      expect(value(m, 'terrarium_build_info', { version: VERSION, node: process.version })).toBe(1);
      expect(value(m, 'terrarium_uptime_seconds')).toBeGreaterThanOrEqual(30);
      expect(pick(m, 'terrarium_mqtt_outbox_messages')).toHaveLength(0); // no mqtt section
      const okSamples = value(m, 'terrarium_sensor_sample_duration_seconds_count', { enclosure: 'gecko', sensor: 'air', result: 'ok' });
      expect(okSamples).toBeGreaterThanOrEqual(10); // every 2 s
      expect(value(m, 'terrarium_component_breaker_state', { enclosure: 'gecko', component: 'air', state: 'closed' })).toBe(1);
      expect(value(m, 'terrarium_component_failures_total', { enclosure: 'gecko', component: 'air' })).toBe(0);

      // Slow bus: each sample now takes at least 300 ms (virtual time), so none lands in the 0.25 s bucket.
      const fastBefore = value(m, 'terrarium_sensor_sample_duration_seconds_bucket', { enclosure: 'gecko', sensor: 'air', result: 'ok', le: '0.25' });
      world.buses.get(1)!.setFault(118, { kind: 'slow', delayMs: 300 });
      await clock.advance(20_000);
      m = parseExposition((await get('/metrics')).body);
      expect(value(m, 'terrarium_sensor_sample_duration_seconds_count', { enclosure: 'gecko', sensor: 'air', result: 'ok' })).toBeGreaterThan(okSamples + 3);
      expect(value(m, 'terrarium_sensor_sample_duration_seconds_bucket', { enclosure: 'gecko', sensor: 'air', result: 'ok', le: '0.25' })).toBe(fastBefore);

      // Off the bus: failed samples, an open breaker, then the supervisor's recovery once it is back.
      world.buses.get(1)!.setFault(118, { kind: 'disconnect' });
      await clock.advance(60_000);
      m = parseExposition((await get('/metrics')).body);
      expect(value(m, 'terrarium_component_failures_total', { enclosure: 'gecko', component: 'air', kind: 'sensor' })).toBeGreaterThanOrEqual(5);
      expect(value(m, 'terrarium_component_retries_total', { enclosure: 'gecko', component: 'air', kind: 'sensor' })).toBeGreaterThan(0);
      expect(value(m, 'terrarium_sensor_sample_duration_seconds_count', { enclosure: 'gecko', sensor: 'air', result: 'failed' })).toBeGreaterThanOrEqual(5);
      expect(value(m, 'terrarium_component_breaker_state', { enclosure: 'gecko', component: 'air', state: 'closed' })).toBe(0);
      expect(pick(m, 'terrarium_component_breaker_state', { enclosure: 'gecko', component: 'air' }).reduce((n, s) => n + s.value, 0)).toBe(1);
      const pendingSteps = pick(m, 'terrarium_supervisor_recoveries_total', { outcome: 'pending' }).reduce((n, s) => n + s.value, 0);
      expect(pendingSteps).toBeGreaterThan(0);
      world.buses.get(1)!.setFault(118, null);
      await clock.advance(120_000);
      m = parseExposition((await get('/metrics')).body);
      expect(pick(m, 'terrarium_supervisor_recoveries_total', { outcome: 'recovered' }).reduce((n, s) => n + s.value, 0)).toBeGreaterThan(0);
      expect(value(m, 'terrarium_component_recoveries_total', { enclosure: 'gecko', component: 'air', kind: 'sensor' })).toBeGreaterThan(0);
      expect(value(m, 'terrarium_component_breaker_state', { enclosure: 'gecko', component: 'air', state: 'closed' })).toBe(1);
      promtoolCheck((await get('/metrics')).body);
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('copies the MQTT outbox depth, link and command counters from the telemetry status, and passes promtool', async () => {
    let t: TelemetryStatus | undefined;
    const health: ComponentHealth[] = [{ id: 'broker', enclosureId: null, kind: 'broker', status: 'failed', breaker: 'open', lastSuccessAt: null, lastErrorAt: 1, counters: { reads: 7, failures: 3, retries: 2, recoveries: 1 } }];
    const metrics = new ControllerMetrics({ snapshots: () => [], health: () => health, telemetry: () => t, uptimeSeconds: () => 42 }, { build: { version: '9.9.9', node: 'v20.0.0' }, mqtt: true }, () => []);
    let m = parseExposition((await metrics.render()).body);
    expect(value(m, 'terrarium_mqtt_connected')).toBe(0); // telemetry not running (yet)
    const noMqtt = new ControllerMetrics({ snapshots: () => [], health: () => [], telemetry: () => undefined, uptimeSeconds: () => 1 }, { build: { version: '1', node: 'v20' }, mqtt: false }, () => []);
    expect((await noMqtt.render()).body).not.toMatch(/terrarium_mqtt_/);
    expect(value(m, 'terrarium_component_operations_total', { component: 'broker', enclosure: '' })).toBe(7);
    expect(value(m, 'terrarium_component_breaker_state', { component: 'broker', state: 'open' })).toBe(1);
    t = { connected: false, authFailed: false, outboxPending: 1234, outboxDropped: 5, commandsDropped: 2, attempts: 3, commands: { received: 10, rejected: 1, applied: 6, refused: 1, queued: 0, awaiting: 0, dropped: 2 } };
    const text = (await metrics.render()).body;
    m = parseExposition(text);
    expect(value(m, 'terrarium_mqtt_connected')).toBe(0);
    expect(value(m, 'terrarium_mqtt_outbox_messages')).toBe(1234);
    expect(value(m, 'terrarium_mqtt_outbox_dropped_messages_total')).toBe(5);
    expect(value(m, 'terrarium_mqtt_commands_total', { result: 'applied' })).toBe(6);
    expect(value(m, 'terrarium_mqtt_commands_total', { result: 'dropped' })).toBe(2);
    expect(value(m, 'terrarium_uptime_seconds')).toBe(42);
    promtoolCheck(text);
  });
});
