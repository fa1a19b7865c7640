import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { issuesOf } from './issues.js';

const base = (): any => JSON.parse(readFileSync('config/simulated.json', 'utf8'));


describe('configuration errors name the path and the reason', () => {
  it.each([
    [
      'an unknown key',
      (c: any) => {
        c.enclosures[0].actuators[0].colour = 'red';
      },
      'enclosures[0].actuators[0]',
      /unknown key "colour"/,
    ],
    [
      'a wrong type',
      (c: any) => {
        c.enclosures[0].actuators[0].output.pin = 'seventeen';
      },
      'enclosures[0].actuators[0].output.pin',
      /expected number/,
    ],
    [
      'the same GPIO pin used twice',
      (c: any) => {
        c.enclosures[0].actuators[1].output.pin = 17;
      },
      'enclosures[0].actuators[1].output.pin',
      /GPIO17 is already used by enclosures\[0\]\.actuators\[0\]\.output\.pin/,
    ],
    [
      'two devices at one I2C address on one bus',
      (c: any) => {
        c.enclosures[0].actuators[4].drive.address = 0x76;
      },
      'enclosures[0].actuators[4].drive',
      /I2C bus 1 address 0x76 is already used by enclosures\[0\]\.sensors\[0\] \(bme280\)/,
    ],
    [
      'a heater without a temperature sensor in its enclosure',
      (c: any) => {
        c.enclosures[0].actuators[0].sensors = ['basking'];
      },
      'enclosures[0].actuators[0].sensors[0]',
      /heater "heater" names sensor "basking", which is not in enclosure "gecko"/,
    ],
    [
      'a missing hardware backend (never guessed)',
      (c: any) => {
        delete c.hardware.backend;
      },
      'hardware.backend',
      /expected one of|Invalid option/,
    ],
    [
      'an override that breaks the profile',
      (c: any) => {
        c.enclosures[0].overrides = { temperature: { day: { setpointC: 40 } } };
      },
      'enclosures[0].overrides.temperature.day.setpointC',
      /below safety\.maxC/,
    ],
    [
      'an unknown species profile',
      (c: any) => {
        c.enclosures[0].profile = 'unicorn';
      },
      'enclosures[0].profile',
      /unknown species profile "unicorn".*known: .*leopard-gecko/,
    ],
  ])('rejects %s', (_name, mutate, path, message) => {
    const c = base();
    mutate(c);
    const issues = issuesOf(c);
    const hit = issues.find((i) => i.path === path);
    expect(hit, JSON.stringify(issues)).toBeDefined();
    expect(hit?.message).toMatch(message);
  });

  it('reports every problem at once, not just the first', () => {
    const c2 = base();
    c2.controller.tickMs = -5;
    c2.enclosures[0].actuators[0].powerW = 'hot';
    expect(issuesOf(c2).map((i) => i.path).sort()).toEqual(['controller.tickMs', 'enclosures[0].actuators[0].powerW']);
  });
});

describe('values checked at load, not at the first tick', () => {
  it('rejects an unknown time zone', () => {
    const c = base();
    c.controller.timezone = 'Europe/Atlantis';
    expect(issuesOf(c)).toEqual([{ path: 'controller.timezone', message: expect.stringMatching(/unknown IANA time zone/) }]);
  });

  it('rejects a feeding schedule croner cannot parse, naming the override path', () => {
    const c = base();
    c.enclosures[0].overrides = { feeding: { schedule: '0 25 * * *' } };
    expect(issuesOf(c)).toEqual([{ path: 'enclosures[0].overrides.feeding.schedule', message: expect.stringMatching(/not a valid cron pattern/) }]);
  });
});
