import { describe, expect, it } from 'vitest';
import { InvalidTimezoneError } from '../../simulators/physics/errors.js';
import { LocalTime } from '../../simulators/physics/local-time.js';
import { CONSTRUCTIONS, GLASS, MESH } from '../../simulators/physics/materials.js';
import { HEATER_TYPES } from '../../simulators/physics/heater-types.js';
import {
  absoluteHumidityGPerM3,
  relativeHumidityPct,
  saturationDensityGPerM3,
  saturationDensitySlope,
  saturationVapourPressurePa,
} from '../../simulators/physics/psychrometrics.js';
import { RoomModel } from '../../simulators/physics/room.js';

describe('psychrometrics (Magnus, Alduchov & Eskridge 1996)', () => {
  it.each([
    // °C, saturation vapour pressure from the WMO-No. 8 table (Pa), tolerance (relative)
    [0, 611.2, 0.001],
    [20, 2339, 0.003],
    [30, 4246, 0.003],
    [40, 7384, 0.004],
  ])('gives the tabulated saturation vapour pressure at %d °C', (t, pa, tol) => {
    expect(Math.abs(saturationVapourPressurePa(t) / pa - 1)).toBeLessThan(tol);
  });

  it('gives 610.94 Pa at 0 °C exactly (the Magnus A coefficient)', () => {
    expect(saturationVapourPressurePa(0)).toBe(610.94);
  });

  it('gives 17.29 g/m³ of vapour in saturated air at 20 °C (2339 Pa / (R_v · 293.15 K)), within Magnus\' 0.5 %', () => {
    expect(Math.abs(saturationDensityGPerM3(20) / 17.29 - 1)).toBeLessThan(0.005);
  });

  it('round-trips absolute and relative humidity', () => {
    expect(relativeHumidityPct(28, absoluteHumidityGPerM3(28, 42))).toBeCloseTo(42, 12);
  });

  it('clamps relative humidity to 0..100', () => {
    expect(relativeHumidityPct(20, 40)).toBe(100);
    expect(relativeHumidityPct(20, -1)).toBe(0);
  });

  it('has a saturation slope equal to the numerical derivative', () => {
    const t = 27;
    const numeric = (saturationDensityGPerM3(t + 1e-4) - saturationDensityGPerM3(t - 1e-4)) / 2e-4;
    expect(saturationDensitySlope(t, saturationDensityGPerM3(t))).toBeCloseTo(numeric, 6);
  });
});

describe('room model', () => {
  const room = new RoomModel({ dayC: 22, nightC: 18, humidityPct: 45 });

  it.each([
    [15, 22],
    [3, 18],
    [9, 20],
    [21, 20],
  ])('is smooth between night and day: at %d:00 local it is %d °C', (hour, c) => {
    expect(room.temperatureC(hour)).toBeCloseTo(c, 12);
  });

  it('has constant relative humidity and pressure within a few hPa of standard', () => {
    expect(room.humidityPct()).toBe(45);
    for (let h = 0; h < 24 * 7; h++) {
      const pa = room.pressurePa(Date.UTC(2024, 0, 1) + h * 3_600_000, h % 24);
      expect(Math.abs(pa - 101_325)).toBeLessThanOrEqual(360);
    }
  });
});

describe('local time', () => {
  it('follows the spring-forward DST change with one cached instance', () => {
    const local = new LocalTime('Europe/Berlin');
    // 2024-03-31: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    expect(local.hourOfDay(Date.UTC(2024, 2, 31, 0, 30))).toBeCloseTo(1.5, 12);
    expect(local.hourOfDay(Date.UTC(2024, 2, 31, 0, 59))).toBeCloseTo(1 + 59 / 60, 12);
    expect(local.hourOfDay(Date.UTC(2024, 2, 31, 1, 0))).toBeCloseTo(3, 12);
    expect(local.offsetMs(Date.UTC(2024, 2, 31, 1, 30))).toBe(2 * 3_600_000);
  });

  it('handles zones with a 45-minute offset', () => {
    expect(new LocalTime('Asia/Kathmandu').offsetMs(Date.UTC(2024, 5, 1))).toBe(5.75 * 3_600_000);
  });

  it('rejects an unknown zone with a typed error', () => {
    expect(() => new LocalTime('Mars/Olympus').hourOfDay(0)).toThrow(InvalidTimezoneError);
  });
});

describe('material and heater constants', () => {
  it('gives 4 mm glass between still indoor air a U-value near 1.9 W/(m²·K)', () => {
    expect(GLASS.uWPerM2K).toBeCloseTo(1.89, 2);
  });

  it('lets air through mesh but not through solid panels', () => {
    expect(MESH.openExchangeWPerM2K).toBeGreaterThan(0);
    for (const c of Object.values(CONSTRUCTIONS)) expect(c.backAndSides === MESH || c.backAndSides.openExchangeWPerM2K === 0).toBe(true);
  });

  it.each(Object.entries(HEATER_TYPES))('splits all of a %s heater\'s output', (_type, spec) => {
    expect(spec.toAir + spec.toSurface + spec.toSubstrate + spec.toRoom).toBeCloseTo(1, 12);
  });
});
