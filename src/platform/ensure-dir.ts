import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `dir` and its missing parents, one `mkdir` per missing level: bounded by the path's
 * depth. (Node's `mkdirSync(dir, { recursive: true })` loops forever under /proc, where mkdir
 * answers ENOENT for a parent that exists.)
 * @throws NodeJS.ErrnoException when a level cannot be created
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); ) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
