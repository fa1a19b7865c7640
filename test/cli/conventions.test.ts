import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loggerOutput, syslogPriority, withSyslogPrefix } from '../../src/app/logger.js';
import { reportFatal } from '../../src/cli/exit.js';
import { formatLiveLine } from '../../src/cli/live-line.js';
import { statusCommand } from '../../src/cli/status.js';
import { ScaledClock } from '../../src/hal/scaled-clock.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { ConfigError } from '../../src/config/errors.js';
import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import { runCli } from './run-cli.js';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  }, 30_000);

  it('fatal errors go to stderr as text (exit 2 for configuration), stdout stays empty; JSON only with --json', async () => {
    const r = await runCli(['status', '--config', 'no/such/config.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^terrarium: invalid configuration no\/such\/config\.json\n {2}\(file\): cannot read file: ENOENT/);
    const j = await runCli(['status', '--json', '--config', 'no/such/config.json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'CONFIG_INVALID', issues: [{ message: expect.stringMatching(/ENOENT/) }] } });
  }, 30_000);

  it('survives a closed pipe (`check --simulate | head -1`): no EPIPE crash', async () => {
    const r = await runCli(['check', '--simulate', '--config', 'config/simulated.json'], { closeStdoutEarly: true });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect([0, 1]).toContain(r.code);
  }, 30_000);

  it('reportFatal: one line per config issue, JSON on request', () => {
    const err = new PassThrough();
    expect(reportFatal(new ConfigError('c.json', [{ path: 'a.b', message: 'bad' }]), err)).toBe(2);
    expect(String(err.read())).toBe('terrarium: invalid configuration c.json\n  a.b: bad\n');
    const j = new PassThrough();
    expect(reportFatal(new Error('boom'), j, true)).toBe(1);
    expect(JSON.parse(String(j.read()))).toEqual({ error: { code: 'ERROR', message: 'boom' } });
  });

  it('status with nothing to find says where it looked, on stderr, exit 1', async () => {
    const err = new PassThrough();
    const code = await statusCommand({}, new PassThrough(), { stderr: err, env: { TERRARIUM_CONFIG: '/nonexistent/config.json', TERRARIUM_RUNTIME_DIR: '/nonexistent/run' } });
    expect(code).toBe(1);
    expect(String(err.read())).toMatch(/no running controller found \(looked at \/nonexistent\/config\.json and \/nonexistent\/run\)/);
  });
});

describe('logs: colours and journald priorities', () => {
  it('honours NO_COLOR on a terminal', () => {
    expect(loggerOutput(true, {})).toMatchObject({ pretty: true, color: true });
    expect(loggerOutput(true, { NO_COLOR: '1' })).toMatchObject({ pretty: true, color: false });
  });

  it('prefixes JSON lines with their syslog priority only when stdout is the journal', () => {
    expect(loggerOutput(false, { JOURNAL_STREAM: '8:1234' }, '8:1234').journald).toBe(true);
    expect(loggerOutput(false, { JOURNAL_STREAM: '8:1234' }, '8:9999').journald).toBe(false); // inherited, stdout redirected
    expect(loggerOutput(false, {}).journald).toBe(false);
    expect(withSyslogPrefix('{"level":50,"msg":"x"}\n')).toBe('<3>{"level":50,"msg":"x"}\n');
    expect([10, 20, 30, 40, 50, 60].map(syslogPriority)).toEqual([7, 7, 6, 4, 3, 2]);
  });
});

describe('--speed: a scaled clock', () => {
  it('runs time and timers N times faster than its base clock', async () => {
    const base = new VirtualClock(Date.UTC(2026, 0, 1));
    const fast = new ScaledClock(base, 60);
    const t0 = fast.now();
    let fired = 0;
    fast.setTimeout(() => fired++, 60_000); // one scaled minute
    await base.advance(1000);
    expect(fast.now() - t0).toBe(60_000);
    expect(fired).toBe(1);
    expect(() => new ScaledClock(base, 0)).toThrow(RangeError);
  });
});

describe('live line', () => {
  it('shows time, temperature and setpoint, phase, heater, mode and faults in one line', () => {
    const s = {
      enclosureId: 'gecko',
      at: Date.UTC(2026, 0, 1, 12, 0, 5),
      mode: 'degraded',
      phase: 'day',
      setpointC: 28,
      temperature: { value: 24.314, quality: 'ok' },
      actuators: { heater: { kind: 'heater', on: true, reason: 'below setpoint' }, lights: { kind: 'light', on: true, reason: 'day' } },
      faults: [{ kind: 'sensor-failed', component: 'probe', at: 0, latched: false, message: '' }],
    } as unknown as EnclosureSnapshot;
    expect(formatLiveLine(s, () => '13:00:05')).toBe('13:00:05 gecko   24.31 °C → 28.0 °C  day    heater ON   DEGRADED  faults: sensor-failed [probe]');
  });
});
