import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDist } from './dist-build.js';
import { httpCostFigures } from './http-cost.js';
import { table } from './results.js';

/**
 * The http-cost figures on their own (under a minute): `npx tsx test/bench/run-http-cost.ts`.
 * Builds `dist/` when stale, prints the table and the figures as JSON; writes nothing else.
 */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'terrarium-http-cost-'));
  const load = [loadavg()[0]];
  try {
    process.stderr.write(`bench: ${ensureDist()}\n`);
    const figures = await httpCostFigures(dir);
    load.push(loadavg()[0]);
    process.stdout.write(`${table(figures)}\n\nload average (1 min) ${load.map((l) => l.toFixed(1)).join(' -> ')}\n${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
