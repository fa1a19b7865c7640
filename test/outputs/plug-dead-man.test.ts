import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/app/controller.js';
import { silentLogger } from '../../src/app/logger.js';
import type { Config } from '../../src/config/load.js';
import { drive } from '../../simulators/run-simulation.js';
import { createSimStateDir } from '../../simulators/sim-state-dir.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { referenceConfig } from '../scenarios/support.js';

const DEAD_MAN_S = 120;

/** The reference enclosure with its heater on a smart plug, in a cold room so the heater runs. */
function plugConfig(output: Record<string, unknown>, stateDir: string): Config {
  const config = referenceConfig((raw) => {
    raw.hardware.sim.room = { dayC: 12, nightC: 12, humidityPct: 45 };
    raw.enclosures[0].actuators[0].output = output;
  });
  return { ...config, controller: { ...config.controller, stateDir } };
}

async function runUntilHeaterOn(clock: VirtualClock, isOn: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !isOn(); i++) await clock.advance(1000);
  expect(isOn()).toBe(true);
}

describe.each([
  ['tasmota', { type: 'tasmota', topic: 'gecko-heat', relay: 1, deadManSeconds: DEAD_MAN_S }],
  ['shelly', { type: 'shelly', prefix: 'shellyplusplugs-gecko', switchId: 0, deadManSeconds: DEAD_MAN_S }],
])('a heater on a %s plug', (_name, output) => {
  it('switches itself off within its dead-man time after the controller process is killed', async () => {
    const dir = createSimStateDir('plug-dead-man-');
    try {
      const config = plugConfig(output, dir.dir);
      const clock = new VirtualClock(Date.parse('2026-06-01T10:00:00Z'));
      const world = new SimWorld(config, clock);
      const controller = new Controller({ config, hardware: world.hardware(), log: silentLogger() });
      await drive(clock, controller.start());
      const plug = world.enclosures.get('gecko')?.loads.find((l) => l.actuatorId === 'heater');
      if (plug?.via !== 'plug') throw new Error('the heater is not wired to a simulated plug');
      await runUntilHeaterOn(clock, () => plug.plug.isOn);
      // Ten minutes on (five dead-man periods): the controller keeps renewing, the heater stays under control.
      await clock.advance(5 * DEAD_MAN_S * 1000);
      await runUntilHeaterOn(clock, () => plug.plug.isOn);
      // kill -9: no safe-outputs, no goodbye; the plug hears nothing more.
      await drive(clock, controller.abandon());
      world.crashProcess();
      expect(plug.plug.isOn).toBe(true);
      await clock.advance(DEAD_MAN_S * 1000 + 1000);
      expect(plug.plug.isOn).toBe(false);
      expect(world.truth('gecko').airC).toBeLessThan(config.enclosures[0].climate.safety.maxC);
    } finally {
      dir.remove();
    }
  }, 120_000);
});

describe('a heater on a GPIO relay (no dead-man)', () => {
  it('keeps its last level after the process is killed: that is what ExecStopPost safe-outputs is for', async () => {
    const dir = createSimStateDir('gpio-no-dead-man-');
    try {
      const config = plugConfig({ type: 'gpio', pin: 17, activeLow: true }, dir.dir);
      const clock = new VirtualClock(Date.parse('2026-06-01T10:00:00Z'));
      const world = new SimWorld(config, clock);
      const controller = new Controller({ config, hardware: world.hardware(), log: silentLogger() });
      await drive(clock, controller.start());
      await runUntilHeaterOn(clock, () => world.gpio.level(17) === false);
      await drive(clock, controller.abandon());
      world.crashProcess();
      await clock.advance(DEAD_MAN_S * 1000 + 1000);
      expect(world.gpio.level(17)).toBe(false); // still driven on (active-low)
    } finally {
      dir.remove();
    }
  }, 120_000);
});
