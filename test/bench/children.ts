import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './configs.js';

/** `tsx`'s loader, so a child can run a TypeScript entry of test/bench directly. */
const TSX_IMPORT = 'tsx';

/**
 * Runs `test/bench/<entry>` in a child Node process (through tsx) and returns the JSON object it
 * prints as its last stdout line. Heavy figures run in children so they can use both cores, get
 * a fresh heap (leaks) and `--expose-gc` without affecting the parent.
 * @throws Error with the child's stderr when it exits non-zero or prints no JSON
 */
export function runBenchChild<T>(entry: string, args: string[] = [], nodeFlags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', TSX_IMPORT, join(REPO, 'test', 'bench', entry), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${entry} ${args.join(' ')} exited ${code}: ${err.trim().slice(-2000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${entry} ${args.join(' ')} printed no JSON result: ${out.slice(-500)} ${err.slice(-1000)}`));
      }
    });
  });
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the result. */
export async function pool<T>(limit: number, tasks: ReadonlyArray<() => Promise<T>>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]() };
      } catch (e) {
        results[i] = { status: 'rejected', reason: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
