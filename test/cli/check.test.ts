import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { selfCheck } from '../../src/app/self-check.js';
import { checkCommand } from '../../src/cli/check.js';
import { parseConfig } from '../../src/config/load.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function config(mutate: (raw: any) => void = () => undefined) {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = mkdtempSync(join(tmpdir(), 'check-'));
  mutate(raw);
  return parseConfig(raw, join(process.cwd(), 'config/simulated.json'));
}

async function check(cfg: ReturnType<typeof config>, breakWorld: (w: SimWorld) => void = () => undefined) {
  const clock = new VirtualClock(Date.parse('2026-06-01T12:00:00Z'));
  const world = new SimWorld(cfg, clock);
  breakWorld(world);
  const done = selfCheck(cfg, world.hardware());
  let results: Awaited<typeof done> | undefined;
  void done.then((r) => {
    results = r;
  });
  for (let i = 0; i < 10_000 && !results; i++) await clock.advance(10);
  if (!results) throw new Error('check did not finish');
  return results;
}

const verdictOf = (rs: { item: string; verdict: string; detail: string }[], item: RegExp) => rs.find((r) => item.test(r.item));

describe('terrarium check', () => {
  it('passes every item on a good simulated setup', async () => {
    const rs = await check(config());
    expect(rs.filter((r) => r.verdict === 'fail')).toEqual([]);
    expect(verdictOf(rs, /BME280/)?.detail).toMatch(/chip id 0x60/);
    expect(verdictOf(rs, /relay GPIO17/)?.detail).toMatch(/read back/);
    expect(verdictOf(rs, /DS18B20/)?.detail).toMatch(/present/);
  });

  it('fails the BME280 when the chip does not answer (missing chip)', async () => {
    const rs = await check(config(), (w) => w.buses.get(1)?.detach(0x76));
    expect(verdictOf(rs, /BME280/)).toMatchObject({ verdict: 'fail' });
    expect(verdictOf(rs, /BME280/)?.detail).toMatch(/EREMOTEIO|NACK/);
  });

  it('fails the BME280 with the wrong chip id and names what it found', async () => {
    const rs = await check(config(), (w) => w.enclosures.get('gecko')?.bme280.get('air')?.setChipId(0x58));
    expect(verdictOf(rs, /BME280/)).toMatchObject({ verdict: 'fail' });
    expect(verdictOf(rs, /BME280/)?.detail).toMatch(/0x58/);
  });

  it('fails a probe that is absent from the 1-Wire bus', async () => {
    const rs = await check(config(), (w) => w.oneWire.setFault('28-000005e2fdc3', 'absent'));
    expect(verdictOf(rs, /DS18B20/)).toMatchObject({ verdict: 'fail' });
  });

  it('says whether the dashboard will start: no password beyond loopback fails, on loopback warns, a set password passes', async () => {
    const far = await check(config((raw) => (raw.http = { host: '0.0.0.0', port: 0 })));
    expect(verdictOf(far, /dashboard login/)).toMatchObject({ verdict: 'fail', detail: expect.stringMatching(/without a password.*terrarium passwd/) });
    const near = await check(config((raw) => (raw.http = { port: 0 })));
    expect(verdictOf(near, /dashboard login/)).toMatchObject({ verdict: 'warn' });
    const cfg = config((raw) => (raw.http = { host: '0.0.0.0', port: 0 }));
    const { defaultPasswordFile, hashPassword, writePasswordFile } = await import('../../src/http/password.js');
    writePasswordFile(defaultPasswordFile(cfg.controller.stateDir), await hashPassword('a long enough password'));
    expect(verdictOf(await check(cfg), /dashboard login/)).toMatchObject({ verdict: 'ok' });
    expect(verdictOf(await check(config()), /dashboard login/)).toBeUndefined();
  });

  it('fails a state directory that cannot be written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'check-')), 'not-a-dir');
    writeFileSync(file, 'x');
    const rs = await check(config((raw) => (raw.controller.stateDir = join(file, 'state'))));
    expect(verdictOf(rs, /state directory/)).toMatchObject({ verdict: 'fail' });
  });

  it('exits 0 when all pass, 1 on a failed check and 2 on a pin conflict in the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.controller.stateDir = join(dir, 'state');
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(raw));
    const out = new PassThrough();
    expect(await checkCommand({ config: good }, out)).toBe(0);
    expect(String(out.read())).toMatch(/all checks passed/);

    raw.controller.stateDir = join(good, 'state'); // inside a file: not writable
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(raw));
    expect(await checkCommand({ config: bad }, new PassThrough())).toBe(1);

    raw.controller.stateDir = join(dir, 'state');
    raw.enclosures[0].actuators[1].output.pin = 17;
    const conflict = join(dir, 'conflict.json');
    writeFileSync(conflict, JSON.stringify(raw));
    const stderr = process.stderr.write;
    let err = '';
    process.stderr.write = ((s: string) => {
      err += s;
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await checkCommand({ config: conflict }, new PassThrough())).toBe(2);
    } finally {
      process.stderr.write = stderr;
    }
    expect(err).toMatch(/enclosures\[0\]\.actuators\[1\]\.output\.pin: GPIO17 is already used/);
  });
});
