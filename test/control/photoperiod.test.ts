import { describe, expect, it } from 'vitest';
import type { Photoperiod, Season } from '../../src/config/profile-schema.js';
import { MIN_LIT_LEVEL, activeSeason, photoperiodAt } from '../../src/control/photoperiod.js';

const utc = (iso: string): number => Date.parse(iso);
const MIN = 60_000;
const HOUR = 3_600_000;
const BERLIN = 'Europe/Berlin';
const fixed = (on: string, off: string, rampMinutes = 0): Photoperiod => ({ mode: 'fixed', on, off, rampMinutes });

describe('fixed photoperiod in Europe/Berlin across DST changes', () => {
  const p = fixed('08:00', '20:00');
  it.each([
    ['the day before spring-forward (CET)', '2027-03-27T07:00:00Z', '2027-03-27T19:00:00Z'],
    ['the spring-forward day (CEST from 02:00)', '2027-03-28T06:00:00Z', '2027-03-28T18:00:00Z'],
    ['the day before fall-back (CEST)', '2027-10-30T06:00:00Z', '2027-10-30T18:00:00Z'],
    ['the fall-back day (CET from 03:00)', '2027-10-31T07:00:00Z', '2027-10-31T19:00:00Z'],
  ])('switches on exactly at local 08:00 and off at 20:00 on %s', (_day, onIso, offIso) => {
    const on = utc(onIso);
    const off = utc(offIso);
    expect(photoperiodAt(p, [], on - 1000, BERLIN).phase).toBe('night');
    const atOn = photoperiodAt(p, [], on, BERLIN);
    expect([atOn.phase, atOn.lightLevel, atOn.lightsOnAt, atOn.lightsOffAt]).toEqual(['day', 1, on, off]);
    expect(photoperiodAt(p, [], off - 1000, BERLIN).phase).toBe('day');
    const atOff = photoperiodAt(p, [], off, BERLIN);
    expect([atOff.phase, atOff.lightLevel]).toEqual(['night', 0]);
  });

  it('reports today\'s window at night before lights-on and after lights-off', () => {
    const early = photoperiodAt(p, [], utc('2027-03-28T03:00:00Z'), BERLIN);
    const late = photoperiodAt(p, [], utc('2027-03-28T21:00:00Z'), BERLIN);
    expect([early.lightsOnAt, late.lightsOnAt]).toEqual([utc('2027-03-28T06:00:00Z'), utc('2027-03-28T06:00:00Z')]);
  });
});

describe('photoperiod ramps', () => {
  const p = fixed('08:00', '20:00', 30);
  const on = utc('2027-06-10T06:00:00Z'); // 08:00 CEST
  const off = utc('2027-06-10T18:00:00Z'); // 20:00 CEST
  it.each([
    ['lights-on instant', on, 'dawn', MIN_LIT_LEVEL],
    ['mid-dawn', on + 15 * MIN, 'dawn', 0.5],
    ['end of dawn', on + 30 * MIN, 'day', 1],
    ['noon', on + 5 * HOUR, 'day', 1],
    ['start of dusk', off - 30 * MIN, 'dusk', 1],
    ['dusk, 6 min before off', off - 6 * MIN, 'dusk', 0.2],
    ['lights-off instant', off, 'night', 0],
  ])('at the %s is %s at level %d', (_name, now, phase, level) => {
    const s = photoperiodAt(p, [], now, BERLIN);
    expect(s.phase).toBe(phase);
    expect(s.lightLevel).toBeCloseTo(level, 10);
  });

  it('never ramps longer than half the lit period', () => {
    const s = photoperiodAt(fixed('08:00', '09:00', 180), [], utc('2027-06-10T06:30:00Z'), BERLIN);
    expect([s.phase, s.lightLevel]).toEqual(['dusk', 1]);
  });
});

describe('photoperiod edge cases', () => {
  it('keeps a lit period that runs past midnight lit after midnight', () => {
    const s = photoperiodAt(fixed('20:00', '06:00'), [], utc('2027-06-10T00:00:00Z'), BERLIN); // 02:00 CEST
    expect([s.phase, s.lightsOnAt, s.lightsOffAt]).toEqual(['day', utc('2027-06-09T18:00:00Z'), utc('2027-06-10T04:00:00Z')]);
  });

  it('shortens the day symmetrically in a season with a negative photoperiod offset', () => {
    const seasons: Season[] = [{ name: 'winter', months: [12, 1, 2], temperatureOffsetC: -2, photoperiodOffsetMinutes: -120 }];
    const s = photoperiodAt(fixed('08:00', '20:00'), seasons, utc('2027-01-10T12:00:00Z'), BERLIN);
    expect([s.lightsOnAt, s.lightsOffAt, s.season?.name, s.localMonth]).toEqual([utc('2027-01-10T08:00:00Z'), utc('2027-01-10T18:00:00Z'), 'winter', 1]);
  });

  it('picks the season by the local month, not the UTC month', () => {
    const seasons: Season[] = [{ name: 'winter', months: [1], temperatureOffsetC: 0, photoperiodOffsetMinutes: 0 }];
    expect(photoperiodAt(fixed('08:00', '20:00'), seasons, utc('2026-12-31T23:30:00Z'), BERLIN).season?.name).toBe('winter');
    expect(activeSeason(seasons, 12)).toBeNull();
  });
});

describe('solar photoperiod (suncalc)', () => {
  const solar = (latitude: number, longitude: number, extra: Partial<Extract<Photoperiod, { mode: 'solar' }>> = {}): Photoperiod => ({
    mode: 'solar',
    latitude,
    longitude,
    sunriseOffsetMinutes: 0,
    sunsetOffsetMinutes: 0,
    rampMinutes: 0,
    minDayHours: 0,
    maxDayHours: 24,
    ...extra,
  });
  const dayHours = (p: Photoperiod, iso: string, tz: string): number => {
    const s = photoperiodAt(p, [], utc(iso), tz);
    return (s.lightsOffAt - s.lightsOnAt) / HOUR;
  };

  it.each([
    ['52.5°N (Berlin) at the June solstice', 52.52, 13.4, '2027-06-21T10:00:00Z', BERLIN, 16.7, 17.0],
    ['52.5°N (Berlin) at the December solstice', 52.52, 13.4, '2027-12-21T10:00:00Z', BERLIN, 7.5, 7.8],
    ['the equator (Kampala) in June', 0, 32.58, '2027-06-21T10:00:00Z', 'Africa/Kampala', 12.0, 12.2],
    ['the equator (Kampala) in December', 0, 32.58, '2027-12-21T10:00:00Z', 'Africa/Kampala', 12.0, 12.2],
  ])('gives a plausible day length at %s', (_name, lat, lon, iso, tz, lo, hi) => {
    const h = dayHours(solar(lat, lon), iso, tz);
    expect(h).toBeGreaterThan(lo);
    expect(h).toBeLessThan(hi);
  });

  it('puts Berlin sunrise near 04:43 CEST and sunset near 21:33 CEST at the June solstice', () => {
    const s = photoperiodAt(solar(52.52, 13.4), [], utc('2027-06-21T10:00:00Z'), BERLIN);
    expect(Math.abs(s.lightsOnAt - utc('2027-06-21T02:43:00Z'))).toBeLessThan(4 * MIN);
    expect(Math.abs(s.lightsOffAt - utc('2027-06-21T19:33:00Z'))).toBeLessThan(4 * MIN);
    expect(s.phase).toBe('day');
  });

  it('applies sunrise/sunset offsets', () => {
    const raw = photoperiodAt(solar(52.52, 13.4), [], utc('2027-06-21T10:00:00Z'), BERLIN);
    const shifted = photoperiodAt(solar(52.52, 13.4, { sunriseOffsetMinutes: 30, sunsetOffsetMinutes: -60 }), [], utc('2027-06-21T10:00:00Z'), BERLIN);
    expect([shifted.lightsOnAt - raw.lightsOnAt, shifted.lightsOffAt - raw.lightsOffAt]).toEqual([30 * MIN, -60 * MIN]);
  });

  it.each([
    ['clamps a long summer day to maxDayHours', '2027-06-21T10:00:00Z', 16],
    ['stretches a short winter day to minDayHours', '2027-12-21T10:00:00Z', 8],
  ])('%s, symmetrically about the midpoint', (_name, iso, hours) => {
    const raw = photoperiodAt(solar(52.52, 13.4), [], utc(iso), BERLIN);
    const clamped = photoperiodAt(solar(52.52, 13.4, { minDayHours: 8, maxDayHours: 16 }), [], utc(iso), BERLIN);
    expect((clamped.lightsOffAt - clamped.lightsOnAt) / HOUR).toBeCloseTo(hours, 6);
    expect(clamped.lightsOnAt + clamped.lightsOffAt).toBeCloseTo(raw.lightsOnAt + raw.lightsOffAt, -1);
  });

  it.each([
    ['polar day (Longyearbyen, June) as maxDayHours', '2027-06-21T10:00:00Z', 14],
    ['polar night (Longyearbyen, December) as minDayHours', '2027-12-21T10:00:00Z', 6],
  ])('handles %s centred on solar noon', (_name, iso, hours) => {
    const p = solar(78.22, 15.65, { minDayHours: 6, maxDayHours: 14 });
    expect(dayHours(p, iso, 'Arctic/Longyearbyen')).toBeCloseTo(hours, 6);
  });
});
