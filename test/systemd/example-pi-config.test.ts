import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { REPO } from './fixtures.js';

describe('config/example-pi.json (installed as /etc/terrarium/config.json)', () => {
  const cfg = loadConfig(join(REPO, 'config', 'example-pi.json'));
  const enc = cfg.enclosures[0];

  it('validates with the real loader and targets the Pi backend through libgpiod', () => {
    expect(cfg.hardware.backend).toBe('pi');
    expect(cfg.hardware.gpio.driver).toBe('libgpiod');
    expect(cfg.controller.stateDir).toBe('/var/lib/terrarium');
    expect(cfg.mqtt).toBeUndefined();
  });

  it('describes the reference wiring of docs/hardware.md', () => {
    expect(enc.sensors).toMatchObject([
      { id: 'air', type: 'bme280', bus: 1, address: 0x76 },
      { id: 'probe', type: 'ds18b20' },
    ]);
    const outputs = Object.fromEntries(enc.actuators.flatMap((a) => ('output' in a && a.output.type === 'gpio' ? [[a.id, a.output]] : [])));
    expect(outputs).toEqual({
      heater: { type: 'gpio', pin: 17, activeLow: true },
      lights: { type: 'gpio', pin: 27, activeLow: true },
      mister: { type: 'gpio', pin: 22, activeLow: true },
      fan: { type: 'gpio', pin: 23, activeLow: true },
    });
    expect(enc.actuators.find((a) => a.kind === 'feeder')).toMatchObject({ drive: { type: 'servo', bus: 1, address: 0x40, channel: 0 } });
    // Float switch to GND with the pull-up: a broken wire reads HIGH, which counts as empty (fail-safe).
    expect(enc.waterLevel).toEqual({ pin: 5, emptyLevel: 'high', pull: 'up' });
  });

  it('uses the same GPIO lines as the simulated configuration', () => {
    const sim = loadConfig(join(REPO, 'config', 'simulated.json')).enclosures[0];
    const pins = (e: typeof enc): number[] => e.actuators.flatMap((a) => ('output' in a && a.output.type === 'gpio' ? [a.output.pin] : []));
    expect(pins(enc)).toEqual(pins(sim));
  });
});
