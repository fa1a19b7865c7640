import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateDocument } from '../../src/store/state-document.js';

interface Doc {
  lastFedAt: number | null;
}
const parse = (raw: unknown): Doc => {
  const v = raw as Doc;
  if (typeof v !== 'object' || v === null || !('lastFedAt' in v)) throw new Error('bad document');
  return v;
};

describe('StateDocument', () => {
  it('keeps lastFedAt across a restart', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'state-')), 'state.json');
    const a = new StateDocument<Doc>(file, parse, () => ({ lastFedAt: null }));
    expect(a.load()).toEqual({ lastFedAt: null });
    a.set({ lastFedAt: 1234 });
    const b = new StateDocument<Doc>(file, parse, () => ({ lastFedAt: null }));
    expect(b.load()).toEqual({ lastFedAt: 1234 });
  });

  it('falls back to the backup when the main file was torn by a power cut', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'state-')), 'state.json');
    const a = new StateDocument<Doc>(file, parse, () => ({ lastFedAt: null }));
    a.load();
    a.set({ lastFedAt: 1 });
    a.set({ lastFedAt: 2 });
    writeFileSync(file, '{"lastFe'); // torn write
    const b = new StateDocument<Doc>(file, parse, () => ({ lastFedAt: null }));
    expect(b.load()).toEqual({ lastFedAt: 1 });
  });

  it('does not rewrite the file when nothing changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    const file = join(dir, 'state.json');
    const a = new StateDocument<Doc>(file, parse, () => ({ lastFedAt: null }));
    a.load();
    a.set({ lastFedAt: 5 });
    a.set({ lastFedAt: 5 });
    expect(existsSync(`${file}.bak`)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ lastFedAt: 5 });
  });

  it('refuses a state file that neither copy can parse, instead of starting blank', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, 'garbage');
    const a = new StateDocument<Doc>(file, parse, () => ({ lastFedAt: null }));
    expect(() => a.load()).toThrow(/unreadable state/);
  });
});

describe('StateDocument.stage', () => {
  it('keeps a staged change in memory only, and writes it with the next durable update', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'state-')), 'state.json');
    const a = new StateDocument<{ lastFedAt: number | null; n: number }>(file, (raw) => raw as { lastFedAt: number | null; n: number }, () => ({ lastFedAt: null, n: 0 }));
    a.load();
    a.set({ lastFedAt: 1, n: 0 });
    a.stage((d) => ({ ...d, n: 7 }));
    expect(a.get().n).toBe(7);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ lastFedAt: 1, n: 0 });
    a.update((d) => ({ ...d, lastFedAt: 2 }));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ lastFedAt: 2, n: 7 });
  });
});
