import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyFault } from '../../simulators/fault-injector.js';
import { durationMs, FAULT_KINDS, loadScenario, RUNNER_FAULT_KINDS } from '../../simulators/scenario.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { referenceConfig, scenarioFile } from './support.js';

/**
 * The scenario files shipped in `simulators/scenarios/` (each runnable with
 * `terrarium simulate --config config/simulated.json --days 1 --scenario <file>`): they parse, they
 * name devices and faults the reference enclosure has, and together they cover every fault kind
 * the simulator can inject. The behaviour of each is checked by the other files of this folder.
 */

const SHIPPED = readdirSync('simulators/scenarios')
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

/** The shipped fault scenarios. */
const REQUIRED = [
  'bad-week',
  'bme280-disconnect-2min',
  'bme280-stuck-value',
  'bme280-unplugged-2h',
  'bme280-wrong-chip-id',
  'bus-faults',
  'clock-back-11-days',
  'clock-jump',
  'crash-loop',
  'crash-restart',
  'gpio-write-failure',
  'heater-dead',
  'i2c-error-bursts',
  'i2c-garbage',
  'i2c-slow-timeouts',
  'mat-relay-welded',
  'operator',
  'output-faults',
  'power-cut',
  'probe-absent',
  'probe-crc-and-power-on',
  'process-hang',
  'relay-stuck-on',
  'relay-welded-cold-room',
  'sensor-calibration',
  'state-disk-faults',
  'tick-period-real-timing',
  'water-empty',
  'weather',
];

/** Warm-up of the reference enclosure is about 7 min; faults start well after it. */
const EARLIEST_FAULT_MS = 3 * 3_600_000;

describe('shipped scenarios', () => {
  it('include every shipped fault scenario, named after its file', () => {
    expect(SHIPPED).toEqual(REQUIRED);
    for (const name of SHIPPED) expect(loadScenario(scenarioFile(name)).name).toBe(name);
  });

  it.each(SHIPPED)('%s targets devices of the reference enclosure, after warm-up, within its run', (name) => {
    const scenario = loadScenario(scenarioFile(name));
    const config = referenceConfig();
    const world = new SimWorld(config, new VirtualClock(Date.parse('2026-06-01T00:00:00Z')), 1);
    expect(scenario.days).toBe(name === 'bad-week' ? 7 : 1);
    for (const ev of scenario.events) {
      const at = durationMs(ev.at);
      expect(at).toBeGreaterThanOrEqual(EARLIEST_FAULT_MS);
      expect(at + (ev.duration === undefined ? 0 : durationMs(ev.duration))).toBeLessThanOrEqual(scenario.days * 86_400_000);
      if (RUNNER_FAULT_KINDS.has(ev.fault.kind)) continue;
      // Throws ScenarioTargetError for a device the enclosure lacks or a fault that does not fit it.
      const clear = applyFault(world, config, ev);
      clear();
    }
  });

  it('cover every fault kind the simulator can inject', () => {
    const used = new Set(SHIPPED.flatMap((name) => loadScenario(scenarioFile(name)).events.map((e) => e.fault.kind)));
    expect([...used].sort()).toEqual([...FAULT_KINDS].sort());
  });
});
