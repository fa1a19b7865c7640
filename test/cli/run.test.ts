import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import { statusCommand, type StatusJson } from '../../src/cli/status.js';
import { createPlatform } from '../../src/platform/platform.js';

/** A temp dir with a simulated config (host health off) and a private runtime directory. */
function setup(): { dir: string; file: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'terrarium-run-'));
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = join(dir, 'state');
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.host = { enabled: false };
  raw.log = { level: 'fatal' };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(raw));
  return { dir, file, env: { TERRARIUM_RUNTIME_DIR: join(dir, 'run'), TERRARIUM_CONFIG: join(dir, 'absent.json'), TERRARIUM_STATE_DIR: join(dir, 'user-state') } };
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

/** A shutdown trigger the test fires, standing in for SIGTERM. */
function trigger(): { shutdown: () => Promise<string>; fire: (s: string) => void } {
  let fire: (s: string) => void = () => undefined;
  const p = new Promise<string>((r) => (fire = r));
  return { shutdown: () => p, fire: (s) => fire(s) };
}

/** Polls (real time, bounded) until `cond` holds. */
async function until(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!(await cond())) {
    if (Date.now() - started > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('terrarium run: single instance, discovery, stop', () => {
  it('refuses a second run on the same state directory (exit 1, clear message), and status finds the first without flags', async () => {
    const { file, env } = setup();
    const platform = createPlatform({ env });
    const first = trigger();
    const out1 = sink();
    const running = runCommand({ config: file }, { stdout: out1.stream, stderr: new PassThrough(), isTty: false, env, platform, shutdown: first.shutdown });
    const status = sink();
    await until(async () => (await statusCommand({}, status.stream, { env, platform, stderr: new PassThrough() })) === 0, 'the first controller to answer');

    const err = sink();
    // Another process (another pid) on the same state directory.
    const second = await runCommand({ config: file }, { stdout: new PassThrough(), stderr: err.stream, isTty: false, env, platform, pid: process.pid + 1, shutdown: () => new Promise(() => undefined) });
    expect(second).toBe(1);
    expect(err.text()).toMatch(/another controller \(pid \d+\) is running on this state directory/);

    const json = sink();
    expect(await statusCommand({ json: true }, json.stream, { env, platform })).toBe(0);
    const live = JSON.parse(json.text()) as StatusJson;
    expect(live.running).toBe(true);
    expect(live.report?.enclosures[0].enclosureId).toBe('gecko');

    first.fire('SIGHUP');
    expect(await running).toBe(0);

    // Stopped: the same JSON shape, found through --config (the registry entry is gone).
    const stopped = sink();
    expect(await statusCommand({ json: true }, stopped.stream, { env, platform, stderr: new PassThrough() })).toBe(1);
    expect(await statusCommand({ config: file, json: true }, stopped.stream, { env, platform })).toBe(1);
    const after = JSON.parse(stopped.text()) as StatusJson;
    expect(Object.keys(after).sort()).toEqual(Object.keys(live).sort());
    expect(after).toMatchObject({ running: false, report: null, controllerId: 'sim-terrarium' });
    expect(after.persisted?.enclosures.gecko).toBeDefined();

    // The lock was released: a new run starts.
    const again = trigger();
    const third = runCommand({ config: file }, { stdout: new PassThrough(), stderr: new PassThrough(), isTty: false, env, platform, shutdown: again.shutdown });
    await until(async () => (await statusCommand({ config: file }, new PassThrough(), { env, platform })) === 0, 'the restarted controller');
    again.fire('SIGTERM');
    expect(await third).toBe(0);
  }, 60_000);

  it('stops safely on SIGHUP delivered to the process', async () => {
    const { file, env } = setup();
    const platform = createPlatform({ env });
    const running = runCommand({ config: file }, { stdout: new PassThrough(), stderr: new PassThrough(), isTty: false, env, platform });
    await until(async () => (await statusCommand({ config: file }, new PassThrough(), { env, platform })) === 0, 'the controller');
    process.emit('SIGHUP');
    expect(await running).toBe(0);
  }, 60_000);

  it('shows a live line per enclosure on a terminal, and runs simulated time faster with --speed', async () => {
    const { file, env } = setup();
    const platform = createPlatform({ env });
    const stop = trigger();
    const out = sink();
    const running = runCommand({ config: file, speed: 600 }, { stdout: out.stream, stderr: new PassThrough(), isTty: true, env, platform, shutdown: stop.shutdown });
    await until(() => (out.text().match(/^\d\d:\d\d:\d\d gecko /gm) ?? []).length >= 2, 'two live lines');
    stop.fire('SIGINT');
    expect(await running).toBe(0);
    const lines = out.text().match(/^(\d\d):(\d\d):(\d\d) gecko .*$/gm)!;
    expect(lines[0]).toMatch(/°C → \d+\.\d °C {2}(night|dawn|day |dusk) {2}heater (ON |off).* {2}NORMAL {2}no faults$/);
    // Two lines 2 s of real time apart are 20 simulated minutes apart at 600x.
    const minutes = (l: string): number => {
      const [, h, m] = /^(\d\d):(\d\d)/.exec(l)!;
      return Number(h) * 60 + Number(m);
    };
    const gap = (minutes(lines[1]) - minutes(lines[0]) + 24 * 60) % (24 * 60);
    expect(gap).toBeGreaterThanOrEqual(15);
  }, 60_000);

  it('refuses --speed with real hardware (exit 2)', async () => {
    const { dir, env } = setup();
    const raw = JSON.parse(readFileSync('config/example-pi.json', 'utf8'));
    raw.controller.stateDir = join(dir, 'pi-state');
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    const pi = join(dir, 'pi.json');
    writeFileSync(pi, JSON.stringify(raw));
    const err = sink();
    expect(await runCommand({ config: pi, speed: 10 }, { stdout: new PassThrough(), stderr: err.stream, env, platform: createPlatform({ env }) })).toBe(2);
    expect(err.text()).toMatch(/--speed needs simulated hardware/);
  });

  it('without a config file, --simulate runs the built-in simulated terrarium with its state in the per-user state directory', async () => {
    const { dir, env } = setup();
    const platform = createPlatform({ env });
    const stop = trigger();
    const running = runCommand({ simulate: true }, { stdout: new PassThrough(), stderr: new PassThrough(), isTty: false, env, platform, shutdown: stop.shutdown });
    const json = sink();
    await until(async () => (await statusCommand({ json: true }, json.stream, { env, platform, stderr: new PassThrough() })) === 0, 'the built-in controller');
    stop.fire('SIGTERM');
    expect(await running).toBe(0);
    expect(JSON.parse(json.text().slice(json.text().lastIndexOf('{\n  "running"')))).toMatchObject({ running: true, stateDir: join(dir, 'user-state', 'simulated') });
  }, 60_000);
});
