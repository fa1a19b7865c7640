import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/app/controller.js';
import { silentLogger } from '../../src/app/logger.js';
import { parseConfig } from '../../src/config/load.js';
import { drive } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function rawConfig(): any {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = mkdtempSync(join(tmpdir(), 'shutdown-'));
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  return raw;
}

describe('shutdown', () => {
  it('drives every output to its safe (off) state when the controller stops, active-low relays included', async () => {
    const cfg = parseConfig(rawConfig(), join(process.cwd(), 'config/simulated.json'));
    const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
    const world = new SimWorld(cfg, clock);
    const c = new Controller({ config: cfg, hardware: world.hardware(), log: silentLogger() });
    await drive(clock, c.start());
    await clock.advance(5_000);
    // night, 18 °C room: the heater relay (GPIO17, active-low) is on: the line is LOW
    expect(world.gpio.level(17)).toBe(false);
    await drive(clock, c.stop());
    for (const line of [17, 22, 23, 27]) expect(world.gpio.level(line), `GPIO${line}`).toBe(true); // HIGH = off (active-low)
  });

  it('exits 0 on SIGTERM after driving outputs safe (real process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(rawConfig()));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const started = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('controller started')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    await started;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopping: driving outputs to their safe state/);
    expect(out).toMatch(/controller stopped; outputs in their safe state/);
  }, 60_000);
});
