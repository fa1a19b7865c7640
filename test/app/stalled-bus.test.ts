import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/app/controller.js';
import { silentLogger } from '../../src/app/logger.js';
import type { TickTiming } from '../../src/app/tick-loop.js';
import { parseConfig } from '../../src/config/load.js';
import { isFallbackReason } from '../../src/control/guard.js';
import { drive, DEFAULT_SIM_START } from '../../simulators/run-simulation.js';
import { createSimStateDir } from '../../simulators/sim-state-dir.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/**
 * Four enclosures on faithful simulated device timing (a DS18B20 conversion takes 750 ms, one
 * 1-Wire transaction at a time; BME280 forced measurements and I2C transfers take their time), each
 * a BME280 on its own I2C bus (the heater's only sensor) and two DS18B20 on the shared master.
 */
function fourEnclosures() {
  const pins = [17, 27, 22, 23];
  return parseConfig(
    {
      controller: { id: 'four', name: 'Four enclosures', tickMs: 1000, stateDir: '/tmp/unused', timezone: 'Europe/Berlin' },
      hardware: { backend: 'sim', sim: { seed: 4, timing: 'faithful', room: { dayC: 21, nightC: 18, humidityPct: 45 } } },
      enclosures: pins.map((pin, i) => ({
        id: `e${i + 1}`,
        name: `Enclosure ${i + 1}`,
        profile: 'leopard-gecko',
        sensors: [
          { id: 'air', type: 'bme280', bus: i + 1, address: 118 },
          { id: 'probe', type: 'ds18b20', deviceId: `28-00000000000${i + 1}` },
          { id: 'mat', type: 'ds18b20', placement: 'surface', deviceId: `28-00000000001${i + 1}` },
        ],
        actuators: [{ id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin, activeLow: true }, sensors: ['air'] }],
      })),
    },
    'four-enclosures.json',
  );
}

describe('one stalled I2C bus among four enclosures', () => {
  it('keeps every tick on time, keeps the other enclosures on fresh readings, and puts the stalled heater on its fallback within its stale limit', async () => {
    const state = createSimStateDir('terrarium-stall-');
    const parsed = fourEnclosures();
    const config = { ...parsed, controller: { ...parsed.controller, stateDir: state.dir } };
    const clock = new VirtualClock(Date.parse(DEFAULT_SIM_START));
    const world = new SimWorld(config, clock);
    const hardware = world.hardware();
    const timings: TickTiming[] = [];
    const staleAfterMs = config.enclosures[0].sensors[0].staleAfterSeconds * 1000;
    const stallFrom = 10 * 60_000;
    const stallTo = stallFrom + 5 * 60_000;
    let firstFallbackAt: number | null = null;
    let otherOldestReadingMs = 0;
    let otherFallbacks = 0;
    let startedAt = 0;
    const controller = new Controller({
      config,
      hardware,
      log: silentLogger(),
      onTickTiming: (t) => timings.push(t),
      onTick: (outcomes) => {
        const mono = clock.monotonic();
        for (const oc of outcomes) {
          const s = oc.snapshot;
          const fallback = isFallbackReason(s.actuators.heater.reason);
          if (s.enclosureId === 'e1') {
            if (fallback && firstFallbackAt === null && mono >= stallFrom) firstFallbackAt = mono;
            continue;
          }
          if (fallback) otherFallbacks++;
          if (mono > 60_000 && s.temperature?.at != null) otherOldestReadingMs = Math.max(otherOldestReadingMs, clock.now() - s.temperature.at);
        }
      },
    });
    try {
      await drive(clock, controller.start());
      startedAt = clock.monotonic();
      clock.setTimeout(() => world.buses.get(1)?.setFault(118, { kind: 'slow', delayMs: 10 * 60_000 }), stallFrom - startedAt);
      clock.setTimeout(() => world.buses.get(1)?.setFault(118, null), stallTo - startedAt);
      for (let t = 60_000; t <= 20 * 60_000; t += 60_000) await clock.runUntilMonotonic(t);
      await drive(clock, controller.stop());
    } finally {
      state.remove();
    }
    // Every tick started when it was due, stalled bus or not (p99 target 50 ms; here none is late).
    const lateness = timings.map((t) => t.startedAt - t.dueAt).sort((a, b) => a - b);
    expect(timings.length).toBeGreaterThanOrEqual(Math.floor((20 * 60_000 - startedAt) / 1000));
    expect(lateness[Math.floor(lateness.length * 0.99)]).toBeLessThanOrEqual(50);
    expect(lateness[lateness.length - 1]).toBe(0);
    // The other enclosures decided on readings never older than a sample period (plus the BME280's measurement).
    expect(otherOldestReadingMs).toBeLessThanOrEqual(2_000);
    expect(otherFallbacks).toBe(0);
    // The stalled enclosure's heater went to its fallback once its air reading was stale, not later.
    expect(firstFallbackAt).not.toBeNull();
    expect((firstFallbackAt as unknown as number) - stallFrom).toBeLessThanOrEqual(staleAfterMs + 1_000);
    expect((firstFallbackAt as unknown as number) - stallFrom).toBeGreaterThanOrEqual(staleAfterMs - 2_000);
  });
});
