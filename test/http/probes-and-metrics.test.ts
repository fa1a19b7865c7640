import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { drive } from '../../simulators/run-simulation.js';
import { CONFIG, parseExposition, rawConfig, running } from './harness.js';

describe('http endpoint: health probes and Prometheus metrics', () => {
  it('is ready after the first tick, stays live while ticking, turns not-live when ticks stop and not-ready at shutdown', async () => {
    const { clock, c, http, get, ready } = await running();
    try {
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body).reason).toMatch(/first control tick/);

      await clock.advance(1_500);
      expect(c.progress().ticks).toBeGreaterThan(0);
      expect((await get('/health/ready')).status).toBe(200);
      expect((await get('/health/live')).status).toBe(200);

      await drive(clock, c.abandon()); // the tick loop stops, the process stays
      await clock.advance(2_000);
      expect((await get('/health/live')).status).toBe(200); // within 3 periods of 1 s
      await clock.advance(2_000);
      const stalled = await get('/health/live');
      expect(stalled.status).toBe(503);
      expect(JSON.parse(stalled.body).reason).toMatch(/no control tick completed/);

      http.beginShutdown();
      expect((await get('/health/ready')).status).toBe(503);
      expect((await get('/nope')).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${http.port}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await http.stop();
    }
  });

  it('serves /metrics in the Prometheus text format with readings, setpoint, outputs, mode, faults, health and tick duration', async () => {
    const { clock, c, http, get } = await running();
    try {
      await clock.advance(10_000);
      const m = await get('/metrics');
      expect(m.status).toBe(200);
      expect(m.type).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = parseExposition(m.body);
      const one = (name: string, labels: Record<string, string>) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      const snap = c.runtime('gecko')!.snapshot()!;
      const t = one('terrarium_temperature_celsius', { enclosure: 'gecko' });
      expect(t).toHaveLength(1);
      expect(t[0]!.value).toBeCloseTo(snap.temperature!.value!, 6);
      expect(one('terrarium_humidity_percent', { enclosure: 'gecko' })[0]!.value).toBeCloseTo(snap.humidity!.value!, 6);
      expect(one('terrarium_setpoint_celsius', { enclosure: 'gecko' })[0]!.value).toBe(snap.setpointC);
      expect(one('terrarium_output_on', { enclosure: 'gecko', actuator: 'heater', kind: 'heater' })[0]!.value).toBe(snap.actuators.heater!.on ? 1 : 0);
      expect(one('terrarium_mode', { enclosure: 'gecko', mode: snap.mode })[0]!.value).toBe(1);
      expect(one('terrarium_mode', { enclosure: 'gecko' }).reduce((n, s) => n + s.value, 0)).toBe(1);
      expect(one('terrarium_latched_faults', { enclosure: 'gecko' })[0]!.value).toBe(0);
      expect(one('terrarium_component_health', { enclosure: '', component: 'clock', status: 'healthy' })[0]!.value).toBe(1);
      const ticks = one('terrarium_tick_duration_seconds_count', {})[0]!.value;
      expect(ticks).toBe(c.progress().ticks);
      expect(ticks).toBeGreaterThanOrEqual(9);

      const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
      if (promtool.error) {
        if (process.env.REQUIRE_PROMTOOL) throw new Error('promtool is required (REQUIRE_PROMTOOL) but not installed: apt-get install prometheus');
        console.warn('promtool not installed (Debian package `prometheus`): skipping `promtool check metrics`');
        return;
      }
      const check = spawnSync('promtool', ['check', 'metrics'], { input: m.body, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toBe('');
      expect(check.status).toBe(0);
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('stays live and ready while a sensor is failed; the failure shows in the component health metric', async () => {
    const { clock, c, http, get, world } = await running();
    try {
      await clock.advance(5_000);
      world.buses.get(1)!.setFault(118, { kind: 'disconnect' }); // the BME280 "air" leaves the bus
      await clock.advance(120_000);
      expect((await get('/health/live')).status).toBe(200);
      expect((await get('/health/ready')).status).toBe(200);
      const air = parseExposition((await get('/metrics')).body).filter((s) => s.name === 'terrarium_component_health' && s.labels.enclosure === 'gecko' && s.labels.component === 'air');
      expect(air.find((s) => s.value === 1)?.labels.status).toMatch(/^(failed|degraded)$/);
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('is off unless configured and binds loopback by default (other addresses need a password, checked at start)', () => {
    expect(parseConfig(rawConfig(undefined), CONFIG).http).toBeUndefined();
    expect(parseConfig(rawConfig({}), CONFIG).http).toMatchObject({ enabled: true, host: '127.0.0.1', port: 9464, readOnlyWithoutLogin: false, behindHttpsProxy: false });
    expect(parseConfig(rawConfig({ host: '0.0.0.0' }), CONFIG).http?.host).toBe('0.0.0.0');
    expect(() => parseConfig(rawConfig({ host: '' }), CONFIG)).toThrow(/http\.host/);
  });
});
