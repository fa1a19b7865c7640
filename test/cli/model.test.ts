import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelCommand } from '../../src/cli/model.js';
import { parseConfig } from '../../src/config/load.js';
import { diagnoseRig } from '../model/diag-rig.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The shipped simulated config written to a temp dir with its own state directory. */
function tempConfig(): { file: string; stateDir: string; raw: any } {
  const dir = mkdtempSync(join(tmpdir(), 'terrarium-model-cli-'));
  dirs.push(dir);
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = join(dir, 'state');
  raw.controller.speciesDir = join(process.cwd(), 'config', 'species');
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(raw));
  return { file, stateDir: raw.controller.stateDir, raw };
}

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let buf = '';
  const stream = { write: (s: string) => ((buf += s), true) } as unknown as NodeJS.WritableStream;
  return { stream, text: () => buf };
}

describe('terrarium model', () => {
  it('without history prints the configuration\'s seed figures, says so, and gives each heater\'s headroom', async () => {
    const { file } = tempConfig();
    const out = capture();
    expect(await modelCommand({ config: file }, out.stream)).toBe(0);
    expect(out.text()).toContain('not fitted yet');
    expect(out.text()).toMatch(/Your 100 W emitter \(heater\) holds the 28 °C day setpoint down to a -?\d+ °C room\./);
    expect(out.text()).toMatch(/22 °C night setpoint down to a -?\d+ °C room/);
  });

  it('with a fit in the state directory prints it as history, with the fitted heater effect', async () => {
    const { file, stateDir, raw } = tempConfig();
    const cfg = parseConfig(raw, file);
    const { diag } = diagnoseRig(cfg, { days: 2, roomKnown: true });
    const fitted = diag.model.summary();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(stateDir, { recursive: true });
    const enc = { guard: { version: 1, latched: [] }, feeding: {}, operator: { mode: 'auto', setpointOverride: null, manualOutputs: {} }, model: diag.toJSON() };
    writeFileSync(join(stateDir, 'state.json'), JSON.stringify({ version: 1, enclosures: { gecko: enc }, recoveries: [] }));
    const out = capture();
    expect(await modelCommand({ config: file, json: true }, out.stream)).toBe(0);
    const r = JSON.parse(out.text()).enclosures[0];
    expect(r.source).toBe('history');
    expect(r.hoursFitted).toBeGreaterThan(40);
    expect(r.summary.heaters[0].airRiseC).toBeCloseTo(fitted.heaters[0].airRiseC, 6);
    const day = r.headroom.find((h: any) => h.heater === 'heater' && h.setpoint === 'day');
    expect(day.minRoomC).toBeCloseTo(28 - fitted.heaters[0].airRiseC - fitted.lightsRiseC, 6);
    const text = capture();
    await modelCommand({ config: file }, text.stream);
    expect(text.text()).toContain("fitted to 48 h of this enclosure's own readings");
  });

  it('--simulate fits on a simulation of the configuration', async () => {
    const { file } = tempConfig();
    const out = capture();
    expect(await modelCommand({ config: file, json: true, simulate: true, days: 0.25 }, out.stream)).toBe(0);
    const r = JSON.parse(out.text()).enclosures[0];
    expect(r.source).toBe('simulation');
    expect(r.hoursFitted).toBeGreaterThan(5);
    expect(r.summary.heaters[0].airRateCPerH).toBeGreaterThan(20);
  }, 120_000);

  it('exits 2 on a bad configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrarium-model-cli-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'bad.json'), '{"controller": {}}');
    const err = process.stderr.write;
    process.stderr.write = (() => true) as never;
    try {
      expect(await modelCommand({ config: join(dir, 'bad.json') }, capture().stream)).toBe(2);
    } finally {
      process.stderr.write = err;
    }
  });
});
