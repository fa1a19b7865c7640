import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { defaultSpeciesDir } from '../../src/config/load.js';
import { SpeciesProfileSchema } from '../../src/config/profile-schema.js';

const dir = defaultSpeciesDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));

describe('shipped species profiles', () => {
  it('include the six reference species', () => {
    const ids = files.map((f) => f.replace(/\.json$/, ''));
    expect(ids).toEqual(
      expect.arrayContaining(['european-mantis', 'orchid-mantis', 'leopard-gecko', 'crested-gecko', 'ball-python', 'chilean-rose-tarantula']),
    );
  });

  describe.each(files)('%s', (file) => {
    const parsed = SpeciesProfileSchema.safeParse(load(file));

    it('validates against the real profile schema', () => {
      expect(parsed.error?.issues ?? []).toEqual([]);
    });

    it('has an id equal to its file name and cites sources', () => {
      const p = SpeciesProfileSchema.parse(load(file));
      expect(p.id).toBe(file.replace(/\.json$/, ''));
      expect(p.sources.length).toBeGreaterThanOrEqual(2);
    });

    it('has a feeding schedule croner accepts, firing at least once a month', () => {
      const p = SpeciesProfileSchema.parse(load(file));
      expect(p.feeding).toBeDefined();
      const cron = new Cron(p.feeding!.schedule, { timezone: 'Europe/Berlin', paused: true });
      const runs = cron.nextRuns(3, new Date('2027-01-01T00:00:00Z'));
      expect(runs).toHaveLength(3);
      expect(runs[2].getTime() - Date.parse('2027-01-01T00:00:00Z')).toBeLessThan(62 * 86_400_000);
      cron.stop();
    });

    it('keeps the fallback heater duty bounded (at most 30 %)', () => {
      const p = SpeciesProfileSchema.parse(load(file));
      expect(p.fallback.heaterDutyDayPct).toBeLessThanOrEqual(30);
      expect(p.fallback.heaterDutyNightPct).toBeLessThanOrEqual(p.fallback.heaterDutyDayPct);
    });
  });

  it('uses no heater fallback for species that live at room temperature', () => {
    for (const id of ['european-mantis', 'crested-gecko', 'chilean-rose-tarantula']) {
      const p = SpeciesProfileSchema.parse(load(`${id}.json`));
      expect([id, p.fallback.heaterDutyDayPct, p.fallback.heaterDutyNightPct]).toEqual([id, 0, 0]);
    }
  });
});

describe('profile schema cross-field rules', () => {
  const base = (): Record<string, unknown> => structuredClone(load('leopard-gecko.json')) as Record<string, unknown>;
  const paths = (raw: unknown): string[] => (SpeciesProfileSchema.safeParse(raw).error?.issues ?? []).map((i) => i.path.join('.'));

  it.each([
    ['a month in two seasons', (p: any) => p.seasons.push({ name: 'late winter', months: [2, 3] }), 'seasons.1.months'],
    ['a season offset pushing the band past safety.maxC', (p: any) => (p.seasons = [{ name: 'hot', months: [7], temperatureOffsetC: 8 }]), 'seasons.0.temperatureOffsetC'],
    ['lights on and off at the same time', (p: any) => (p.photoperiod = { mode: 'fixed', on: '08:00', off: '08:00' }), 'photoperiod.off'],
    ['a solar day-length clamp with min above max', (p: any) => (p.photoperiod = { mode: 'solar', latitude: 52, longitude: 13, minDayHours: 14, maxDayHours: 10 }), 'photoperiod.maxDayHours'],
  ])('rejects %s', (_name, mutate, path) => {
    const p = base();
    mutate(p);
    expect(paths(p)).toContain(path);
  });
});
