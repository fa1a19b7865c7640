import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('terrarium run with an http section (real process)', () => {
  it('serves the probes and metrics on loopback while running', async () => {
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    const dir = mkdtempSync(join(tmpdir(), 'http-run-'));
    raw.controller.stateDir = dir;
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    raw.http = { port: 0 };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(raw));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http endpoint listening[\s\S]*?port"?:\s*(\d+)|port"?:\s*(\d+)[^\n]*http endpoint listening/.exec(out);
          if (m) resolve(Number(m[1] ?? m[2]));
        });
        child.once('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
      });
      expect(port).toBeGreaterThan(0);
      const base = `http://127.0.0.1:${port}`;
      // The tick loop runs its first tick as the controller starts, before the endpoint listens.
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^terrarium_setpoint_celsius\{enclosure="gecko"\} \d/m);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});
