import { readFileSync } from 'node:fs';
import type { Config, EnclosureConfig } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/load.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { EnclosurePhysics } from '../../simulators/physics/enclosure-physics.js';
import { RoomModel } from '../../simulators/physics/room.js';

/**
 * A fast open-loop rig for model tests: the simulator's physics of one enclosure driven by a plain
 * hysteresis thermostat on the true air temperature, read by noisy simulated probes once a second,
 * without the controller (a simulated week runs in about a second). Real control runs are in the
 * scenario tests.
 */

/** `config/simulated.json` with `edit` applied to its raw JSON. */
export function simConfig(edit?: (raw: any) => void): Config {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  edit?.(raw);
  return parseConfig(raw, 'config/simulated.json');
}

export interface RigSample {
  /** Monotonic ms since start and wall ms. */
  mono: number;
  wall: number;
  /** Sensor readings by sensor id, °C (with noise and any injected distortion). */
  readings: Record<string, number>;
  /** Output states by actuator id. */
  outputs: Record<string, { on: boolean; level?: number }>;
  truthAirC: number;
  truthSurfaceC: number;
  roomC: number;
}

export interface RigOptions {
  days: number;
  seed?: number;
  noiseC?: number;
  /** Distorts a reading (fault injection): return the value the sensor reports. */
  distort?: (sensorId: string, trueC: number, s: { mono: number }) => number;
  /** Heater faults from a monotonic time on. */
  heaterFault?: { id: string; fault: 'dead' | 'stuck-on'; fromMs: number };
  /** Called once a second. */
  onSample: (s: RigSample) => void;
}

/** Day setpoint 08:00-20:00 local, else night; lights on by day. */
export function runRig(cfg: Config, o: RigOptions): void {
  const enc: EnclosureConfig = cfg.enclosures[0];
  const room = new RoomModel(cfg.hardware.sim.room);
  const start = Date.parse('2026-06-01T00:00:00Z');
  const physics = new EnclosurePhysics(enc, room, 0, start, 'UTC');
  const rnd = new SeededRandom(o.seed ?? 1);
  const noise = o.noiseC ?? cfg.hardware.sim.sensorNoiseC;
  const heaters = enc.actuators.filter((a) => a.kind === 'heater');
  const lights = enc.actuators.filter((a) => a.kind === 'light');
  const cutoffs = enc.actuators.filter((a) => a.kind === 'cutoff');
  for (const c of cutoffs) physics.setOutput(c.id, true);
  const on = new Map<string, boolean>();
  const outputs: Record<string, { on: boolean; level?: number }> = {};
  for (const a of enc.actuators) if (a.kind !== 'feeder') outputs[a.id] = { on: a.kind === 'cutoff' };
  const end = o.days * 86_400_000;
  let faultApplied = false;
  for (let t = 1000; t <= end; t += 1000) {
    if (o.heaterFault && !faultApplied && t >= o.heaterFault.fromMs) {
      physics.setHeaterFault(o.heaterFault.id, o.heaterFault.fault);
      faultApplied = true;
    }
    physics.advanceTo(t, start + t);
    const st = physics.state();
    const hour = ((start + t) / 3_600_000) % 24;
    const day = hour >= 8 && hour < 20;
    const readings: Record<string, number> = {};
    for (const s of enc.sensors) {
      // as the simulated world wires it: a limit probe lies on its heater's own spot
      const limitOf = heaters.find((h) => h.kind === 'heater' && h.limit?.sensor === s.id)?.id;
      const trueC = limitOf !== undefined ? st.heaterSurfaceC[limitOf] : s.placement === 'surface' ? st.probeC : st.airC;
      const v = trueC + noise * rnd.gaussian();
      readings[s.id] = o.distort ? o.distort(s.id, v, { mono: t }) : v;
    }
    // thermostat on the true air (the rig tests the model, not control)
    for (const h of heaters) {
      if (h.kind !== 'heater') continue;
      const sp = day ? enc.climate.temperature.day.setpointC : enc.climate.temperature.night.setpointC;
      const hyst = (day ? enc.climate.temperature.day.hysteresisC : enc.climate.temperature.night.hysteresisC) / 2;
      let isOn = on.get(h.id) ?? false;
      if (st.airC < sp - hyst) isOn = true;
      else if (st.airC > sp + hyst) isOn = false;
      if (h.limit && st.heaterSurfaceC[h.id] > h.limit.maxC) isOn = false;
      on.set(h.id, isOn);
      physics.setOutput(h.id, isOn);
      outputs[h.id] = { on: isOn };
    }
    for (const l of lights) {
      physics.setOutput(l.id, day);
      outputs[l.id] = { on: day, level: day ? 1 : 0 };
    }
    o.onSample({ mono: t, wall: start + t, readings, outputs, truthAirC: st.airC, truthSurfaceC: st.probeC, roomC: st.roomC });
  }
}

/**
 * The true steady-state rise of the air and the probe surface above a constant room with heater
 * `heaterId` on all the time and nothing else running, °C (the physics run for 6 days).
 */
export function trueRise(cfg: Config, heaterId: string): { airC: number; surfaceC: number } {
  const enc = cfg.enclosures[0];
  const room = new RoomModel({ dayC: 20, nightC: 20, humidityPct: 50 });
  const physics = new EnclosurePhysics(enc, room, 0, 0, 'UTC');
  for (const a of enc.actuators) if (a.kind === 'cutoff') physics.setOutput(a.id, true);
  physics.setOutput(heaterId, true);
  physics.advanceTo(6 * 86_400_000, 6 * 86_400_000);
  const st = physics.state();
  const limited = enc.actuators.some((a) => a.kind === 'heater' && a.id === heaterId && a.limit);
  return { airC: st.airC - 20, surfaceC: (limited ? st.heaterSurfaceC[heaterId] : st.probeC) - 20 };
}
