import { describe, expect, it } from 'vitest';
import { TimeZoneError, addDays, isValidTimeZone, localDateTime, utcOffsetMs, zonedTimeToUtc } from '../../src/control/local-time.js';

const utc = (iso: string): number => Date.parse(iso);

describe('local time helpers', () => {
  it.each([
    ['2027-01-15T12:00:00Z', 'Europe/Berlin', 3_600_000],
    ['2027-07-15T12:00:00Z', 'Europe/Berlin', 7_200_000],
    ['2027-07-15T12:00:00Z', 'America/New_York', -14_400_000],
    ['2027-07-15T12:00:00Z', 'Asia/Kolkata', 19_800_000],
    ['2027-07-15T12:00:00Z', 'UTC', 0],
  ])('gives the UTC offset at %s in %s', (iso, tz, offset) => {
    expect(utcOffsetMs(utc(iso), tz)).toBe(offset);
  });

  it('reads the local date and time, midnight as hour 0', () => {
    expect(localDateTime(utc('2027-03-27T23:30:05Z'), 'Europe/Berlin')).toEqual({ year: 2027, month: 3, day: 28, hour: 0, minute: 30, second: 5 });
  });

  it.each([
    ['an ordinary morning', { year: 2027, month: 3, day: 27 }, 8 * 60, '2027-03-27T07:00:00Z'],
    ['the spring-forward morning', { year: 2027, month: 3, day: 28 }, 8 * 60, '2027-03-28T06:00:00Z'],
    ['02:30 inside the spring-forward gap (RFC 5545: offset before the gap, = 03:30 CEST)', { year: 2027, month: 3, day: 28 }, 150, '2027-03-28T01:30:00Z'],
    ['02:30 repeated on the fall-back day (first occurrence, CEST)', { year: 2027, month: 10, day: 31 }, 150, '2027-10-31T00:30:00Z'],
    ['the fall-back evening', { year: 2027, month: 10, day: 31 }, 20 * 60, '2027-10-31T19:00:00Z'],
    ['a negative minute rolling into the previous day', { year: 2027, month: 1, day: 1 }, -30, '2026-12-31T22:30:00Z'],
  ])('converts a Berlin wall time to UTC on %s', (_name, date, minute, iso) => {
    expect(zonedTimeToUtc(date, minute, 'Europe/Berlin')).toBe(utc(iso));
  });

  it('steps calendar dates across month and year ends', () => {
    expect(addDays({ year: 2027, month: 1, day: 1 }, -1)).toEqual({ year: 2026, month: 12, day: 31 });
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it('rejects an unknown time zone with a typed error', () => {
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(() => localDateTime(0, 'Mars/Olympus_Mons')).toThrow(TimeZoneError);
    let caught: unknown;
    try {
      utcOffsetMs(0, 'Mars/Olympus_Mons');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TimeZoneError);
    expect((caught as TimeZoneError).code).toBe('TIMEZONE_INVALID');
  });
});
