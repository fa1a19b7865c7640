import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

/** Every file under `dir` (recursively) whose extension is in `exts`; skips node_modules, dist, state. */
function files(dir: string, exts: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return exts.includes(extname(dir)) ? [dir] : [];
  return readdirSync(dir).flatMap((n) => (['node_modules', 'dist', 'state', '.git'].includes(n) ? [] : files(join(dir, n), exts)));
}

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchor(m[1])));
}

const docs = [join(ROOT, 'README.md'), ...files(join(ROOT, 'docs'), ['.md']), ...files(join(ROOT, 'hardware'), ['.md'])];

describe('documentation stands alone', () => {
  it('has the README and a docs index', () => {
    expect(existsSync(join(ROOT, 'docs', 'README.md'))).toBe(true);
  });

  it('has no dead relative links (files and #anchors) in README.md, docs/ and hardware/', () => {
    const dead: string[] = [];
    for (const file of docs) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
        const [path, hash] = target.split('#');
        const dest = path ? resolve(dirname(file), path) : file;
        const where = `${relative(ROOT, file)} -> ${target}`;
        if (!existsSync(dest)) dead.push(`${where} (no such file)`);
        else if (hash && dest.endsWith('.md') && !anchorsOf(dest).has(hash)) dead.push(`${where} (no such heading)`);
      }
    }
    expect(dead).toEqual([]);
  });

  it('points at nothing outside the repository and at no issue numbers (docs, code comments, units, configs)', () => {
    const scanned = [
      ...docs,
      ...['src', 'simulators', 'systemd', 'hardware', 'config', 'scripts'].flatMap((d) => files(join(ROOT, d), ['.ts', '.md', '.json', '.sh', '.service', '.conf'])),
    ];
    const stale = /\.\.\/shared|\/work\/shared|\bDESIGN\.md\b|\bSTYLE\.md\b|\blibraries\.md\b|README\.(mqtt|performance)\.md|reference\/[\w-]+\.md|(?<!onoff )\bissues? #?\d+/i;
    const hits: string[] = [];
    for (const file of scanned) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (stale.test(line)) hits.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
