import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Controller, type ControllerObserver } from '../../src/app/controller.js';
import type { TickOutcome } from '../../src/app/enclosure-runtime.js';
import { silentLogger } from '../../src/app/logger.js';
import { parseConfig } from '../../src/config/load.js';
import { drive } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

describe('controller observers', () => {
  it('get every tick after it was decided, and one that throws stops neither control nor the others', async () => {
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.controller.stateDir = mkdtempSync(join(tmpdir(), 'observers-'));
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    const cfg = parseConfig(raw, join(process.cwd(), 'config/simulated.json'));
    const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
    const world = new SimWorld(cfg, clock);
    const seen: TickOutcome[][] = [];
    const broken: ControllerObserver = {
      onTick() {
        throw new Error('observer bug');
      },
    };
    const c = new Controller({ config: cfg, hardware: world.hardware(), log: silentLogger(), observers: [broken, { onTick: (o) => seen.push([...o]) }] });
    await drive(clock, c.start());
    await clock.advance(60_000);
    const ticks = c.progress().ticks;
    expect(ticks).toBeGreaterThan(10);
    expect(seen.length).toBe(ticks);
    expect(seen.at(-1)?.map((o) => o.snapshot.enclosureId)).toEqual(cfg.enclosures.map((e) => e.id));
    // night, 18 °C room: the heater is still driven on by the controller despite the broken observer
    expect(world.gpio.level(17)).toBe(false);
    await drive(clock, c.stop());
  });
});
