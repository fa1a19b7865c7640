import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './configs.js';

/** The CLI entry the process figures run, as installed (`bin.terrarium`). */
export const DIST_MAIN = join(REPO, 'dist', 'src', 'cli', 'main.js');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtimeMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure `dist/` is built from the current sources (`npm run build`, i.e. `tsc -p
 * tsconfig.build.json`) when it is missing or older than any `.ts` file in `src/` or `simulators/`.
 * @returns what happened, for the results' notes
 * @throws Error when there is no `dist/src/cli/main.js` after building
 */
export function ensureDist(): string {
  const sourceNewest = Math.max(newestMtimeMs(join(REPO, 'src')), newestMtimeMs(join(REPO, 'simulators')));
  if (existsSync(DIST_MAIN) && statSync(DIST_MAIN).mtimeMs >= sourceNewest) return 'dist/ up to date';
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO, encoding: 'utf8' });
  if (!existsSync(DIST_MAIN)) throw new Error(`npm run build produced no ${DIST_MAIN}: ${r.stdout}${r.stderr}`);
  return r.status === 0 ? 'built dist/ (npm run build)' : `built dist/ with type errors (tsc exit ${r.status}): ${r.stdout.split('\n').slice(0, 5).join(' ')}`;
}
