import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFile } from '../../src/config/history-schema.js';
import { parseConfig } from '../../src/config/load.js';
import { issuesOf } from '../config/issues.js';

const base = (): any => JSON.parse(readFileSync('config/simulated.json', 'utf8'));

describe('history configuration', () => {
  it('is absent by default, and a bare section gets 14 days of minutes, 2 years of quarter hours, a year of events in the state directory', () => {
    expect(parseConfig(base(), 'config/simulated.json').history).toBeUndefined();
    const c = base();
    c.history = {};
    const cfg = parseConfig(c, 'config/simulated.json');
    expect(cfg.history).toEqual({ enabled: true, minuteDays: 14, quarterHourDays: 730, eventDays: 365 });
    expect(historyFile(cfg)).toBe(join(cfg.controller.stateDir, 'history.db'));
  });

  it('resolves a relative file against the config file', () => {
    const c = base();
    c.history = { file: 'data/h.db' };
    const cfg = parseConfig(c, join(process.cwd(), 'config/simulated.json'));
    expect(historyFile(cfg)).toBe(join(process.cwd(), 'config/data/h.db'));
  });

  it('names the key and the bound for out-of-range retentions', () => {
    const c = base();
    c.history = { minuteDays: 0, quarterHourDays: 5000, eventDays: 1.5 };
    const issues = issuesOf(c);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'history.minuteDays', message: expect.stringMatching(/at least 1 day/) },
        { path: 'history.quarterHourDays', message: expect.stringMatching(/at most 3650 days/) },
        { path: 'history.eventDays', message: expect.stringMatching(/whole days/) },
      ]),
    );
    const d = base();
    d.history = { minuteDays: 30, quarterHourDays: 20 };
    expect(issuesOf(d)).toEqual([{ path: 'history.quarterHourDays', message: expect.stringMatching(/at least minuteDays/) }]);
    const e = base();
    e.history = { keepForever: true };
    expect(issuesOf(e)).toEqual([{ path: 'history', message: expect.stringMatching(/unknown key "keepForever"/) }]);
  });
});
