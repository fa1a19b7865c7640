import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../src/hal/command-runner.js';
import {
  HostMetricParseError,
  HostMetricsReader,
  decodeThrottled,
  parseLoadavg,
  parseMeminfo,
  parseMillidegrees,
  parseSysfsThrottled,
  parseVcgencmdThrottled,
} from '../../src/hal/host-metrics.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** Builds a fake root (`sys/...`, `proc/...`, `state/`) from relative path -> content. */
function fakeRoot(files: Record<string, string>): { sys: string; proc: string; state: string } {
  const root = mkdtempSync(join(tmpdir(), 'host-metrics-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  mkdirSync(join(root, 'state'), { recursive: true });
  return { sys: join(root, 'sys'), proc: join(root, 'proc'), state: join(root, 'state') };
}

/** /proc/meminfo of a 4 GB Pi 4 (head of the real file). */
const MEMINFO = `MemTotal:        3881252 kB
MemFree:         2630520 kB
MemAvailable:    3300864 kB
Buffers:           47280 kB
Cached:           721276 kB
`;

/** A fake runner answering `vcgencmd` with a fixed result (or not installed), recording argv. */
function vcgencmd(result: Partial<CommandResult> | 'missing'): Pick<CommandRunner, 'run'> & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(cmd, args) {
      calls.push([cmd, ...args]);
      if (result === 'missing') throw Object.assign(new Error('spawn vcgencmd ENOENT'), { code: 'ENOENT' });
      return { stdout: '', stderr: '', code: 0, signal: null, ...result };
    },
  };
}

describe('get_throttled decoding (Raspberry Pi documentation bit table)', () => {
  it.each([
    ['0', {}],
    ['50005', { underVoltageNow: true, throttledNow: true, underVoltageOccurred: true, throttledOccurred: true }],
    ['50000', { underVoltageOccurred: true, throttledOccurred: true }],
    ['80008', { softTempLimitNow: true, softTempLimitOccurred: true }],
    ['20002', { freqCappedNow: true, freqCappedOccurred: true }],
    ['f000f', { underVoltageNow: true, freqCappedNow: true, throttledNow: true, softTempLimitNow: true, underVoltageOccurred: true, freqCappedOccurred: true, throttledOccurred: true, softTempLimitOccurred: true }],
  ])('decodes 0x%s', (hex, set) => {
    const raw = Number.parseInt(hex, 16);
    const none = {
      underVoltageNow: false, freqCappedNow: false, throttledNow: false, softTempLimitNow: false,
      underVoltageOccurred: false, freqCappedOccurred: false, throttledOccurred: false, softTempLimitOccurred: false,
    };
    expect(decodeThrottled(raw)).toEqual({ raw, ...none, ...set });
  });

  it.each([
    ['throttled=0x50005\n', 0x50005],
    ['throttled=0x0\n', 0],
    ['throttled=0xE0000', 0xe0000],
  ])('parses vcgencmd output %j', (out, raw) => expect(parseVcgencmdThrottled(out)).toBe(raw));

  it.each([['50005\n', 0x50005], ['0\n', 0], ['e0000', 0xe0000]])('parses the sysfs file %j (hex without 0x)', (text, raw) => {
    expect(parseSysfsThrottled(text)).toBe(raw);
  });

  it.each(['', 'throttled=', 'error=1 error_msg="Command not registered"', 'throttled=0xZZ'])('refuses vcgencmd output %j', (out) => {
    expect(() => parseVcgencmdThrottled(out)).toThrow(HostMetricParseError);
  });
});

describe('proc and thermal parsers', () => {
  it('reads millidegrees as °C', () => {
    expect(parseMillidegrees('48150\n')).toBe(48.15);
    expect(parseMillidegrees('-5000\n')).toBe(-5);
    expect(() => parseMillidegrees('hot\n')).toThrow(expect.objectContaining({ code: 'HOST_METRIC_PARSE' }));
  });

  it('reads MemTotal and MemAvailable in bytes (kB are KiB)', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ totalBytes: 3881252 * 1024, availableBytes: 3300864 * 1024 });
    expect(() => parseMeminfo('MemTotal: 100 kB\n')).toThrow(/no MemAvailable line/);
  });

  it('reads the three load averages', () => {
    expect(parseLoadavg('0.52 0.58 0.59 1/467 12345\n')).toEqual({ load1: 0.52, load5: 0.58, load15: 0.59 });
    expect(parseLoadavg('12.00 3.5 0 2/100 1')).toEqual({ load1: 12, load5: 3.5, load15: 0 });
    expect(() => parseLoadavg('n/a')).toThrow(HostMetricParseError);
  });
});

describe('HostMetricsReader on a fake Pi tree', () => {
  const piTree = {
    'sys/class/thermal/thermal_zone0/temp': '61300\n',
    'sys/devices/platform/soc/soc:firmware/get_throttled': '50005\n',
    'proc/meminfo': MEMINFO,
    'proc/loadavg': '1.20 0.80 0.40 3/210 999\n',
  };

  it('reads every metric from the fake roots', async () => {
    const r = fakeRoot(piTree);
    const runner = vcgencmd({ stdout: 'throttled=0x0\n' });
    const m = new HostMetricsReader({
      sysRoot: r.sys, procRoot: r.proc, stateDir: r.state, runner, cpuCount: 4, rss: () => 80 * 2 ** 20,
      statfs: async () => ({ bsize: 4096, blocks: 7_000_000, bavail: 5_000_000 }),
    });
    expect(await m.cpuTemperatureC()).toEqual({ available: true, value: 61.3 });
    const t = await m.throttling();
    expect(t).toMatchObject({ available: true, value: { raw: 0x50005, underVoltageNow: true, throttledNow: true, underVoltageOccurred: true, throttledOccurred: true, softTempLimitNow: false } });
    expect(runner.calls).toEqual([]); // sysfs first: vcgencmd not needed
    expect(await m.memory()).toEqual({ available: true, value: { totalBytes: 3881252 * 1024, availableBytes: 3300864 * 1024 } });
    expect(await m.load()).toEqual({ available: true, value: { load1: 1.2, load5: 0.8, load15: 0.4, cpus: 4 } });
    expect(await m.diskSpace()).toEqual({ available: true, value: { freeBytes: 5_000_000 * 4096, totalBytes: 7_000_000 * 4096 } });
    expect(m.rssBytes()).toEqual({ available: true, value: 80 * 2 ** 20 });
  });

  it('finds get_throttled under another platform bus (Pi 5 style tree)', async () => {
    const r = fakeRoot({ 'sys/devices/platform/soc@107c000000/soc@107c000000:firmware/get_throttled': '80008\n' });
    const t = await new HostMetricsReader({ sysRoot: r.sys, procRoot: r.proc, stateDir: r.state }).throttling();
    expect(t).toMatchObject({ available: true, value: { raw: 0x80008, softTempLimitNow: true, softTempLimitOccurred: true } });
  });

  it('falls back to vcgencmd get_throttled when the sysfs file is absent', async () => {
    const r = fakeRoot({});
    const runner = vcgencmd({ stdout: 'throttled=0x50005\n' });
    const t = await new HostMetricsReader({ sysRoot: r.sys, procRoot: r.proc, stateDir: r.state, runner }).throttling();
    expect(runner.calls).toEqual([['vcgencmd', 'get_throttled']]);
    expect(t).toMatchObject({ available: true, value: { raw: 0x50005, underVoltageNow: true, throttledNow: true } });
  });

  it('reports a failing vcgencmd as unavailable with its message', async () => {
    const r = fakeRoot({});
    const runner = vcgencmd({ code: 255, stderr: 'VCHI initialization failed\n' });
    const t = await new HostMetricsReader({ sysRoot: r.sys, procRoot: r.proc, stateDir: r.state, runner }).throttling();
    expect(t).toEqual({ available: false, reason: 'vcgencmd get_throttled failed: VCHI initialization failed' });
  });

  it('turns missing files on a laptop into unavailable metrics, not errors', async () => {
    const r = fakeRoot({});
    const m = new HostMetricsReader({ sysRoot: r.sys, procRoot: r.proc, stateDir: join(r.state, 'absent'), runner: vcgencmd('missing') });
    expect(await m.cpuTemperatureC()).toEqual({ available: false, reason: `no ${join(r.sys, 'class/thermal/thermal_zone0/temp')}` });
    expect(await m.throttling()).toEqual({ available: false, reason: 'no firmware get_throttled file and no vcgencmd' });
    expect(await m.memory()).toEqual({ available: false, reason: `no ${join(r.proc, 'meminfo')}` });
    expect(await m.load()).toEqual({ available: false, reason: `no ${join(r.proc, 'loadavg')}` });
    expect(await m.diskSpace()).toEqual({ available: false, reason: `cannot stat ${join(r.state, 'absent')}: ENOENT` });
  });

  it('reports no throttling source at all when there is no file and no runner', async () => {
    const r = fakeRoot({});
    expect(await new HostMetricsReader({ sysRoot: r.sys, procRoot: r.proc, stateDir: r.state }).throttling()).toEqual({
      available: false,
      reason: 'no firmware get_throttled file',
    });
  });

  it('throws a parse error for a present but garbled file', async () => {
    const r = fakeRoot({ 'sys/class/thermal/thermal_zone0/temp': 'hot\n' });
    await expect(new HostMetricsReader({ sysRoot: r.sys, procRoot: r.proc, stateDir: r.state }).cpuTemperatureC()).rejects.toMatchObject({
      code: 'HOST_METRIC_PARSE',
    });
  });

  it('measures free space on a real directory with statfs', async () => {
    const r = fakeRoot({});
    const d = await new HostMetricsReader({ stateDir: r.state }).diskSpace();
    expect(d.available).toBe(true);
    if (d.available) {
      expect(d.value.totalBytes).toBeGreaterThan(0);
      expect(d.value.freeBytes).toBeLessThanOrEqual(d.value.totalBytes);
    }
  });
});
