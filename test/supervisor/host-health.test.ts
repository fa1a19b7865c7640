import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostConfig, HostSchema } from '../../src/config/host-schema.js';
import { type Metric, HostMetricsReader, decodeThrottled, type DiskSpace, type LoadAverage, type MemoryInfo, type ThrottleFlags } from '../../src/hal/host-metrics.js';
import { type AlarmLevel, type HostHealthEvent, type HostMetricsSource, HostHealthMonitor, nextLevel } from '../../src/supervisor/host-health.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const MiB = 2 ** 20;
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'host-health-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  mkdirSync(join(root, 'state'), { recursive: true });
  return root;
}

/** A host whose metrics the test sets directly; healthy values by default. */
class FakeHost implements HostMetricsSource {
  temp: Metric<number> = { available: true, value: 50 };
  flags: Metric<ThrottleFlags> = { available: true, value: decodeThrottled(0) };
  mem: Metric<MemoryInfo> = { available: true, value: { totalBytes: 1000 * MiB, availableBytes: 600 * MiB } };
  disk: Metric<DiskSpace> = { available: true, value: { freeBytes: 20_000 * MiB, totalBytes: 30_000 * MiB } };
  loadavg: Metric<LoadAverage & { cpus: number }> = { available: true, value: { load1: 0.5, load5: 0.5, load15: 0.5, cpus: 4 } };
  rss: Metric<number> = { available: true, value: 90 * MiB };
  async cpuTemperatureC() { return this.temp; }
  async throttling() { return this.flags; }
  async memory() { return this.mem; }
  async diskSpace() { return this.disk; }
  async load() { return this.loadavg; }
  rssBytes() { return this.rss; }
}

function monitor(metrics: HostMetricsSource, config: Partial<Record<keyof HostConfig, unknown>> = {}, lag: (() => number | undefined) | null = () => 5) {
  const clock = new VirtualClock(T0);
  const events: HostHealthEvent[] = [];
  const m = new HostHealthMonitor({ clock, metrics, config: HostSchema.parse(config), eventLoopLagMs: lag ?? undefined, onEvent: (e) => events.push(e) });
  return { m, clock, events };
}

const CPU = { warn: 75, critical: 80, hysteresis: 5 };

describe('nextLevel (hysteresis)', () => {
  it.each<[AlarmLevel, number, AlarmLevel]>([
    ['ok', 74.9, 'ok'],
    ['ok', 75, 'warn'],
    ['ok', 80, 'critical'],
    ['warn', 70, 'warn'],
    ['warn', 69.9, 'ok'],
    ['warn', 79.9, 'warn'],
    ['critical', 75, 'critical'],
    ['critical', 74.9, 'warn'],
    ['critical', 69.9, 'ok'],
  ])('CPU warn 75 / clear 70 / critical 80: from %s at %s °C -> %s', (from, value, to) => {
    expect(nextLevel(from, value, CPU, 'above')).toBe(to);
  });

  it.each<[AlarmLevel, number, AlarmLevel]>([
    ['ok', 15.1, 'ok'],
    ['ok', 15, 'warn'],
    ['ok', 5, 'critical'],
    ['warn', 19.9, 'warn'],
    ['warn', 20.1, 'ok'],
    ['critical', 9.9, 'critical'],
    ['critical', 10.1, 'warn'],
  ])('memory available (warn 15, critical 5, alarm below): from %s at %s percent -> %s', (from, value, to) => {
    expect(nextLevel(from, value, { warn: 15, critical: 5, hysteresis: 5 }, 'below')).toBe(to);
  });
});

describe('HostHealthMonitor', () => {
  it('reports a fake Pi tree with throttling flags 0x50005 as under-voltage now and throttled', async () => {
    const root = tree({
      'sys/class/thermal/thermal_zone0/temp': '61300\n',
      'sys/devices/platform/soc/soc:firmware/get_throttled': '50005\n',
      'proc/meminfo': 'MemTotal:        3881252 kB\nMemAvailable:    3300864 kB\n',
      'proc/loadavg': '1.20 0.80 0.40 3/210 999\n',
    });
    const reader = new HostMetricsReader({
      sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), stateDir: join(root, 'state'), cpuCount: 4, rss: () => 80 * MiB,
      statfs: async () => ({ bsize: 4096, blocks: 1_000_000, bavail: 500_000 }),
    });
    const { m, events } = monitor(reader);
    await m.sample();
    expect(m.health().map((h) => [h.id, h.kind, h.enclosureId, h.status])).toEqual([
      ['host.cpu-temperature', 'host', null, 'healthy'],
      ['host.under-voltage', 'host', null, 'failed'],
      ['host.throttling', 'host', null, 'degraded'],
      ['host.memory', 'host', null, 'healthy'],
      ['host.disk', 'host', null, 'healthy'],
      ['host.load', 'host', null, 'healthy'],
      ['host.event-loop-lag', 'host', null, 'healthy'],
      ['host.rss', 'host', null, 'healthy'],
    ]);
    expect(m.healthOf('under-voltage').reason).toBe('under-voltage now: the power supply cannot hold 5 V');
    expect(m.healthOf('throttling').reason).toBe('throttled now');
    expect(m.metrics().find((x) => x.id === 'host.cpu-temperature')).toEqual({ id: 'host.cpu-temperature', status: 'healthy', value: 61.3, unit: '°C', reason: undefined });
    expect(m.metrics().find((x) => x.id === 'host.load')?.value).toBe(0.3);
    expect(events.map((e) => [e.id, e.from, e.to])).toEqual([
      ['host.under-voltage', 'unknown', 'failed'],
      ['host.throttling', 'unknown', 'degraded'],
    ]);
  });

  it('does not flap when the SoC temperature hovers around the warn threshold', async () => {
    const host = new FakeHost();
    const { m, events } = monitor(host);
    for (const c of [74, 75, 74.5, 75.2, 71, 74.9, 70, 75.5]) {
      host.temp = { available: true, value: c };
      await m.sample();
    }
    expect(events.map((e) => [e.to, e.value])).toEqual([['degraded', 75]]);
    expect(m.healthOf('cpu-temperature')).toMatchObject({ status: 'degraded', reason: 'SoC temperature 75.5 °C (warn at 75 °C, critical at 80 °C)' });
  });

  it('emits one event per status change and counts the recovery', async () => {
    const host = new FakeHost();
    const { m, events, clock } = monitor(host);
    for (const c of [50, 81, 82, 83]) {
      host.temp = { available: true, value: c };
      await m.sample();
      await clock.advance(30_000);
    }
    host.temp = { available: true, value: 72 };
    await m.sample();
    host.temp = { available: true, value: 65 };
    await m.sample();
    expect(events.map((e) => [e.id, e.from, e.to, e.at - T0, e.reason])).toEqual([
      ['host.cpu-temperature', 'healthy', 'failed', 30_000, 'SoC temperature 81 °C (warn at 75 °C, critical at 80 °C)'],
      ['host.cpu-temperature', 'failed', 'degraded', 120_000, 'SoC temperature 72 °C (warn at 75 °C, critical at 80 °C)'],
      ['host.cpu-temperature', 'degraded', 'healthy', 120_000, 'recovered'],
    ]);
    expect(m.healthOf('cpu-temperature')).toMatchObject({ status: 'healthy', counters: { reads: 6, failures: 0, recoveries: 1 }, lastSuccessAt: T0 + 120_000 });
    expect(m.healthOf('cpu-temperature').reason).toBeUndefined();
  });

  it.each([
    ['memory', (h: FakeHost) => (h.mem = { available: true, value: { totalBytes: 1000 * MiB, availableBytes: 40 * MiB } }), 'failed', 'memory available 4 % (warn at 15 %, critical at 5 %)'],
    ['disk', (h: FakeHost) => (h.disk = { available: true, value: { freeBytes: 300 * MiB, totalBytes: 30_000 * MiB } }), 'degraded', 'free space on the state directory 300 MB (warn at 500 MB, critical at 100 MB)'],
    ['load', (h: FakeHost) => (h.loadavg = { available: true, value: { load1: 9, load5: 4, load15: 2, cpus: 4 } }), 'degraded', '1-minute load per CPU 2.3 (warn at 2, critical at 4)'],
    ['rss', (h: FakeHost) => (h.rss = { available: true, value: 512 * MiB }), 'failed', 'controller RSS 512 MB (warn at 300 MB, critical at 500 MB)'],
  ] as const)('rates %s against its thresholds', async (id, set, status, reason) => {
    const host = new FakeHost();
    const { m } = monitor(host);
    set(host);
    await m.sample();
    expect(m.healthOf(id)).toMatchObject({ status, reason });
  });

  it('rates the event-loop lag measured by the watchdog', async () => {
    let lag = 50;
    const { m } = monitor(new FakeHost(), {}, () => lag);
    await m.sample();
    expect(m.healthOf('event-loop-lag').status).toBe('healthy');
    lag = 2_500;
    await m.sample();
    expect(m.healthOf('event-loop-lag')).toMatchObject({ status: 'failed', reason: 'event-loop lag 2500 ms (warn at 500 ms, critical at 2000 ms)' });
  });

  it('holds an under-voltage alarm for flagClearSamples clean samples, then stays degraded because it occurred', async () => {
    const host = new FakeHost();
    const { m, events } = monitor(host, { flagClearSamples: 3 });
    host.flags = { available: true, value: decodeThrottled(0x50005) };
    await m.sample();
    host.flags = { available: true, value: decodeThrottled(0x50000) };
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      await m.sample();
      seen.push(m.healthOf('under-voltage').status);
    }
    expect(seen).toEqual(['failed', 'failed', 'degraded']);
    expect(m.healthOf('under-voltage').reason).toBe('under-voltage has occurred since boot: the power supply is marginal');
    expect(m.healthOf('throttling').status).toBe('healthy');
    expect(events.filter((e) => e.id === 'host.under-voltage').map((e) => e.to)).toEqual(['failed', 'degraded']);
  });

  it('restarts the clean count when the flag comes back while clearing', async () => {
    const host = new FakeHost();
    const { m } = monitor(host, { flagClearSamples: 2 });
    for (const raw of [0x50005, 0x50000, 0x50005, 0x50000]) {
      host.flags = { available: true, value: decodeThrottled(raw) };
      await m.sample();
    }
    expect(m.healthOf('under-voltage')).toMatchObject({ status: 'failed', reason: 'under-voltage now: the power supply cannot hold 5 V (clearing: 1/2 clean samples)' });
  });

  it('reports missing files on a laptop as unknown metrics, without errors or events', async () => {
    const root = tree({});
    const reader = new HostMetricsReader({ sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), stateDir: join(root, 'state'), rss: () => 70 * MiB });
    const { m, events } = monitor(reader, {}, null);
    expect(await m.sample()).toEqual([]);
    const byId = Object.fromEntries(m.health().map((h) => [h.id, h]));
    for (const id of ['host.cpu-temperature', 'host.under-voltage', 'host.throttling', 'host.memory', 'host.load', 'host.event-loop-lag']) {
      expect(byId[id]).toMatchObject({ status: 'unknown', counters: { failures: 0 } });
      expect(byId[id].reason).toMatch(/^not available on this host: /);
    }
    expect(byId['host.event-loop-lag'].reason).toBe('not available on this host: no event-loop lag measurement (watchdog not running)');
    expect(byId['host.disk'].status).toBe('healthy');
    expect(byId['host.rss'].status).toBe('healthy');
    expect(events).toEqual([]);
  });

  it('marks a garbled file unknown with the parse error and counts a failure', async () => {
    const root = tree({ 'sys/class/thermal/thermal_zone0/temp': 'hot\n' });
    const reader = new HostMetricsReader({ sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), stateDir: join(root, 'state') });
    const { m } = monitor(reader);
    await m.sample();
    expect(m.healthOf('cpu-temperature')).toMatchObject({
      status: 'unknown',
      reason: 'cannot read: HOST_METRIC_PARSE: thermal_zone temp: not an integer: "hot"',
      counters: { reads: 1, failures: 1 },
      lastErrorAt: T0,
    });
  });

  it('reports a metric that vanishes as an event to unknown', async () => {
    const host = new FakeHost();
    const { m, events } = monitor(host);
    await m.sample();
    host.temp = { available: false, reason: 'no thermal zone' };
    await m.sample();
    expect(events.map((e) => [e.id, e.from, e.to, e.reason])).toEqual([['host.cpu-temperature', 'healthy', 'unknown', 'not available on this host: no thermal zone']]);
  });

  it('samples at start and every intervalMs, and stop() leaves no timer behind', async () => {
    const host = new FakeHost();
    const { m, clock } = monitor(host, { intervalMs: 10_000 });
    await m.start();
    await clock.advance(25_000);
    expect(m.healthOf('rss').counters.reads).toBe(3);
    await m.stop();
    expect(clock.pending()).toBe(0);
    await clock.advance(60_000);
    expect(m.healthOf('rss').counters.reads).toBe(3);
  });

  it('does not sample when disabled', async () => {
    const { m, clock } = monitor(new FakeHost(), { enabled: false });
    await m.start();
    await clock.advance(120_000);
    expect(m.healthOf('rss')).toMatchObject({ status: 'unknown', counters: { reads: 0 } });
  });
});

describe('HostSchema', () => {
  it('gives the documented defaults for an empty object', () => {
    expect(HostSchema.parse({})).toEqual({
      enabled: true,
      intervalMs: 30_000,
      sysRoot: '/sys',
      procRoot: '/proc',
      cpuTemperatureC: { warn: 75, critical: 80, hysteresis: 5 },
      memoryAvailablePct: { warn: 15, critical: 5, hysteresis: 5 },
      diskFreeMb: { warn: 500, critical: 100, hysteresis: 50 },
      loadPerCpu: { warn: 2, critical: 4, hysteresis: 0.5 },
      eventLoopLagMs: { warn: 500, critical: 2_000, hysteresis: 100 },
      rssMb: { warn: 300, critical: 500, hysteresis: 25 },
      flagClearSamples: 3,
    });
  });

  it.each([
    [{ cpuTemperatureC: { warn: 85, critical: 80 } }, ['cpuTemperatureC', 'critical'], 'critical must be >= warn (alarm above)'],
    [{ diskFreeMb: { warn: 100, critical: 500 } }, ['diskFreeMb', 'critical'], 'critical must be <= warn (alarm below)'],
    [{ rssMb: { warn: 300, typo: 1 } }, ['rssMb'], 'Unrecognized key: "typo"'],
  ])('rejects %j', (input, path, message) => {
    const r = HostSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([[path, message]]);
  });
});
