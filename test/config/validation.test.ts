import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/config/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { issuesOf } from './issues.js';

const base = (): any => JSON.parse(readFileSync('config/simulated.json', 'utf8'));


const at = (issues: ConfigIssue[], path: string): string[] => issues.filter((i) => i.path === path).map((i) => i.message);

/** A second enclosure like the first, on free GPIO lines and without the shared feeder. */
function secondEnclosure(c: any): any {
  const e = structuredClone(c.enclosures[0]);
  e.id = 'second';
  e.sensors = [{ id: 'air', type: 'bme280', bus: 1, address: 0x77 }];
  e.actuators = [{ id: 'heater', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: { type: 'gpio', pin: 24 }, sensors: ['air'] }];
  delete e.waterLevel;
  return e;
}

describe('configuration validation catches what a schema alone lets through', () => {
  it('accepts the shipped configuration, and a second enclosure on free lines', () => {
    const c = base();
    c.enclosures.push(secondEnclosure(c));
    expect(parseConfig(c, 'config/simulated.json').enclosures).toHaveLength(2);
  });

  it('rejects two BME280 at one bus and address in one enclosure', () => {
    const c = base();
    c.enclosures[0].sensors.push({ id: 'air2', type: 'bme280', bus: 1, address: 118 });
    expect(at(issuesOf(c), 'enclosures[0].sensors[2]')).toEqual([expect.stringMatching(/I2C bus 1 address 0x76 is already used by enclosures\[0\]\.sensors\[0\]/)]);
  });

  it('rejects two BME280 at one bus and address across enclosures, but not on another bus', () => {
    const c = base();
    const e = secondEnclosure(c);
    e.sensors[0].address = 0x76;
    c.enclosures.push(e);
    expect(at(issuesOf(c), 'enclosures[1].sensors[0]')).toEqual([expect.stringMatching(/already used by enclosures\[0\]\.sensors\[0\]/)]);
    e.sensors[0].bus = 3;
    expect(parseConfig(c, 'config/simulated.json').enclosures).toHaveLength(2);
  });

  it('rejects two DS18B20 with the same 1-Wire id (within and across enclosures)', () => {
    const c = base();
    c.enclosures[0].sensors.push({ id: 'probe2', type: 'ds18b20', deviceId: '28-000005e2fdc3' });
    const e = secondEnclosure(c);
    e.sensors.push({ id: 'probe', type: 'ds18b20', deviceId: '28-000005e2fdc3' });
    c.enclosures.push(e);
    const issues = issuesOf(c);
    expect(at(issues, 'enclosures[0].sensors[2].deviceId')).toEqual([expect.stringMatching(/DS18B20 28-000005e2fdc3 is already used by enclosures\[0\]\.sensors\[1\]/)]);
    expect(at(issues, 'enclosures[1].sensors[1].deviceId')).toHaveLength(1);
  });

  it('rejects a heater limit sensor that is the thermostat air sensor', () => {
    const c = base();
    c.enclosures[0].actuators[0].limit = { sensor: 'air', maxC: 40 };
    expect(at(issuesOf(c), 'enclosures[0].actuators[0].limit.sensor')).toEqual([expect.stringMatching(/"air" is one of this heater's thermostat \(air\) sensors/)]);
  });

  it('accepts a separate surface probe as the limit', () => {
    const c = base();
    c.enclosures[0].sensors.push({ id: 'mat', type: 'ds18b20', deviceId: '28-0000000000aa', placement: 'surface' });
    c.enclosures[0].actuators[0].limit = { sensor: 'mat', maxC: 40 };
    expect(parseConfig(c, 'config/simulated.json').enclosures[0].actuators[0]).toMatchObject({ limit: { sensor: 'mat' } });
  });

  it.each(['0 18 31 2 *', '0 8 30 2 *', '0 8 31 4,6,9,11 *'])('rejects a feeding schedule that never fires (%s)', (schedule) => {
    const c = base();
    c.enclosures[0].overrides = { feeding: { schedule } };
    expect(at(issuesOf(c), 'enclosures[0].overrides.feeding.schedule')).toEqual([expect.stringMatching(/never fires/)]);
  });

  it('accepts 29 February (fires in leap years)', () => {
    const c = base();
    c.enclosures[0].overrides = { feeding: { schedule: '0 18 29 2 *' } };
    expect(parseConfig(c, 'config/simulated.json').enclosures[0].climate.feeding?.schedule).toBe('0 18 29 2 *');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects a "%s" key, named with its path, and never merges it', (key) => {
    const text = readFileSync('config/simulated.json', 'utf8').replace('"overrides"', '"x"').replace('"profile": "leopard-gecko",', `"profile": "leopard-gecko", "overrides": { "${key}": { "polluted": true } },`);
    const c = JSON.parse(text);
    const raw = JSON.parse(JSON.stringify(c).replace('"controller":{', `"controller":{"${key}":{"polluted":true},`));
    const issues = issuesOf(raw);
    expect(at(issues, `enclosures[0].overrides.${key}`)).toEqual([`forbidden key "${key}" (reserved JavaScript property name)`]);
    expect(at(issues, `controller.${key}`)).toEqual([`forbidden key "${key}" (reserved JavaScript property name)`]);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('rejects a 1 MB id with a length limit, without echoing it', () => {
    const c = base();
    c.enclosures[0].id = 'a'.repeat(1 << 20);
    const issues = issuesOf(c);
    expect(at(issues, 'enclosures[0].id')).toContain('at most 64 characters');
    expect(issues.every((i) => i.message.length < 500)).toBe(true);
  });

  it('rejects a 1 MB name', () => {
    const c = base();
    c.enclosures[0].name = 'x'.repeat(1 << 20);
    expect(at(issuesOf(c), 'enclosures[0].name')).toContain('at most 200 characters');
  });

  it('rejects a simulated start temperature of 500 °C', () => {
    const c = base();
    c.enclosures[0].physics.initialC = 500;
    expect(at(issuesOf(c), 'enclosures[0].physics.initialC')).toEqual([expect.stringMatching(/<=60/)]);
  });

  it.each(['/proc/self', '/sys/class', '/dev/shm/../../proc/x', '/proc'])('refuses a state directory under a kernel pseudo file system (%s)', (dir) => {
    const c = base();
    c.controller.stateDir = dir;
    expect(at(issuesOf(c), 'controller.stateDir')).toEqual([expect.stringMatching(/kernel pseudo file system/)]);
  });

  it('reports schema errors and cross-check errors together', () => {
    const c = base();
    c.enclosures[0].actuators[1].output.pin = 'seventeen'; // schema error
    c.enclosures[0].sensors.push({ id: 'air2', type: 'bme280', bus: 1, address: 118 }); // cross-check
    c.enclosures[0].actuators[0].limit = { sensor: 'air', maxC: 40 }; // cross-check
    c.enclosures[0].overrides = { feeding: { schedule: '0 18 31 2 *' } }; // profile
    const paths = issuesOf(c).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'enclosures[0].actuators[1].output.pin',
        'enclosures[0].sensors[2]',
        'enclosures[0].actuators[0].limit.sensor',
        'enclosures[0].overrides.feeding.schedule',
      ]),
    );
  });

  it('checks 4,000 enclosures and reports every conflict', () => {
    const c = base();
    const enc = c.enclosures[0];
    c.enclosures = Array.from({ length: 4000 }, (_, i) => ({ ...structuredClone(enc), id: `e${i}` }));
    const issues = issuesOf(c);
    // Every enclosure after the first reuses the first one's 5 GPIO lines, BME280, DS18B20, PCA9685 channel.
    expect(issues.filter((i) => i.message.includes('already used by enclosures[0]'))).toHaveLength(3999 * 8);
  });

  it('rejects absurd nesting without overflowing the stack', () => {
    const c = base();
    let deep: any = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = deep.x = {};
    c.enclosures[0].overrides = root;
    expect(issuesOf(c)[0].message).toMatch(/nested deeper than 32 levels/);
  });

  it('accepts a file that starts with a UTF-8 byte-order mark', () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrarium-bom-'));
    try {
      const c = base();
      c.controller.speciesDir = join(process.cwd(), 'config/species');
      c.controller.stateDir = join(dir, 'state');
      const file = join(dir, 'config.json');
      writeFileSync(file, `\uFEFF${JSON.stringify(c)}`, 'utf8');
      expect(loadConfig(file).controller.id).toBe('sim-terrarium');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
