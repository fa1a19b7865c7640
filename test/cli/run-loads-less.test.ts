import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runtime (non-`import type`) static import and re-export specifiers of one source file. */
function staticImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[1]);
  return out;
}

/**
 * Every module `entries` load before any dynamic `import()` runs: repository files (relative
 * paths) and packages (bare specifiers, by package name).
 */
function staticGraph(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const ts = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (existsSync(ts)) visit(ts);
      } else if (!spec.startsWith('node:')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
  };
  for (const e of entries) visit(join(REPO, e));
  return { files, packages };
}

describe('terrarium run loads only what it needs', () => {
  // `main.ts` loads `run.ts` when the command is `run`; everything else must come by dynamic import when used.
  const { files, packages } = staticGraph(['src/cli/main.ts', 'src/cli/run.ts']);

  it('loads no simulator code (the simulated backend is imported only when chosen)', () => {
    expect([...files].filter((f) => f.includes(`${join(REPO, 'simulators')}`))).toEqual([]);
    expect(files.has(join(REPO, 'src', 'app', 'controller.ts'))).toBe(true);
  });

  it('loads no chart, MQTT, SQLite or HTTP package up front (telemetry, reports and the http section import theirs when used)', () => {
    for (const pkg of ['vega', 'vega-lite', 'mqtt', 'better-sqlite3', 'cli-progress', 'pino-pretty', 'prom-client', 'fastify', '@fastify/cookie', '@fastify/csrf-protection', '@fastify/rate-limit', '@fastify/helmet', 'uplot', 'nodemailer']) expect(packages).not.toContain(pkg);
    expect([...files].filter((f) => f.startsWith(join(REPO, 'src', 'http')))).toEqual([]);
    expect(packages).toContain('pino');
  });
});
