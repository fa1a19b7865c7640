import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SpeciesProfileSchema } from '../../src/config/profile-schema.js';
import { photoperiodAt } from '../../src/control/photoperiod.js';
import { activeSetpoint, setpointBasis } from '../../src/control/setpoint.js';

const gecko = SpeciesProfileSchema.parse(JSON.parse(readFileSync('config/species/leopard-gecko.json', 'utf8')));
const winter = gecko.seasons[0];
const utc = (iso: string): number => Date.parse(iso);
const NOW = utc('2027-06-10T12:00:00Z');

describe('active setpoint', () => {
  it.each([
    ['night', 22],
    ['dawn', 28],
    ['day', 28],
    ['dusk', 28],
  ] as const)('uses the %s phase -> %d °C (dawn and dusk count as day)', (phase, expected) => {
    const sp = activeSetpoint(gecko, phase, null, NOW);
    expect([sp.setpointC, sp.hysteresisC, sp.basis]).toEqual([expected, 0.6, setpointBasis(phase)]);
  });

  it('adds the season offset', () => {
    const sp = activeSetpoint(gecko, 'day', winter, NOW);
    expect([sp.setpointC, sp.seasonName, sp.overridden, sp.clamped]).toEqual([27, 'winter cool-down', false, false]);
  });

  it('uses an operator override until it expires, without the season offset', () => {
    const override = { valueC: 30, until: NOW + 60_000 };
    expect(activeSetpoint(gecko, 'day', winter, NOW, override)).toMatchObject({ setpointC: 30, overridden: true, seasonName: null });
    expect(activeSetpoint(gecko, 'day', winter, NOW + 60_000, override)).toMatchObject({ setpointC: 27, overridden: false });
  });

  it.each([
    ['an override far above the safety maximum', 45, 35.7],
    ['an override below the safety minimum', 10, 16.3],
  ])('clamps %s so the band stays inside the limits (16..36 °C, h = 0.6)', (_name, valueC, expected) => {
    const sp = activeSetpoint(gecko, 'night', null, NOW, { valueC, until: NOW + 1 });
    expect([sp.setpointC, sp.clamped]).toEqual([expected, true]);
  });

  it('ignores a non-finite override value', () => {
    expect(activeSetpoint(gecko, 'day', null, NOW, { valueC: Number.NaN, until: NOW + 1 }).setpointC).toBe(28);
  });
});

describe('day/night setpoint switch at local lights-on/off across DST (leopard gecko, Europe/Berlin 08:00-20:00)', () => {
  const at = (iso: string): number => {
    const pp = photoperiodAt(gecko.photoperiod, gecko.seasons, utc(iso), 'Europe/Berlin');
    return activeSetpoint(gecko, pp.phase, pp.season, utc(iso)).setpointC;
  };
  it.each([
    ['spring-forward day, 07:59:59 CEST', '2027-03-28T05:59:59Z', 22],
    ['spring-forward day, 08:00 CEST', '2027-03-28T06:00:00Z', 28],
    ['spring-forward day, 19:59:59 CEST', '2027-03-28T17:59:59Z', 28],
    ['spring-forward day, 20:00 CEST', '2027-03-28T18:00:00Z', 22],
    ['fall-back day, 07:59:59 CET', '2027-10-31T06:59:59Z', 22],
    ['fall-back day, 08:00 CET', '2027-10-31T07:00:00Z', 28],
    ['fall-back day, 19:59:59 CET', '2027-10-31T18:59:59Z', 28],
    ['fall-back day, 20:00 CET', '2027-10-31T19:00:00Z', 22],
    ['winter day, 09:00 CET (season shortens the day by 2 h and cools by 1 °C)', '2027-01-10T08:00:00Z', 27],
    ['winter day, 08:30 CET (before the shortened day starts)', '2027-01-10T07:30:00Z', 21],
  ])('%s (%s) -> %d °C', (_name, iso, expected) => {
    expect(at(iso)).toBe(expected);
  });
});
