import type { Config } from '../src/config/load.js';
import type { ScenarioEvent } from './scenario.js';
import type { SimWorld } from './sim-world.js';
import { ScenarioTargetError } from './errors.js';

/**
 * Applies one scenario fault to the simulated world and returns the function that clears it.
 * Crash-restart and clock jumps are handled by the runner (they act on the process and the clock).
 * @throws ScenarioTargetError when the scenario names an enclosure or device the config lacks, or a
 *   fault that does not fit the device (an I2C fault on a 1-Wire probe)
 */
export function applyFault(world: SimWorld, config: Config, ev: ScenarioEvent): () => void {
  const encId = ev.enclosure ?? config.enclosures[0].id;
  const sim = world.enclosures.get(encId);
  if (!sim) throw new ScenarioTargetError(`scenario names enclosure "${encId}", not in the config`);
  const device = ev.device;
  const need = (what: string): string => {
    if (!device) throw new ScenarioTargetError(`fault ${ev.fault.kind} needs a "device" (${what})`);
    return device;
  };
  const f = ev.fault;
  switch (f.kind) {
    case 'i2c-error-rate':
    case 'i2c-disconnect':
    case 'i2c-slow':
    case 'i2c-garbage': {
      const id = need('a BME280 sensor id');
      const at = sim.bme280At.get(id);
      if (!at) throw new ScenarioTargetError(`"${id}" is not a BME280 in enclosure "${encId}"`);
      const bus = world.buses.get(at.bus);
      if (!bus) throw new ScenarioTargetError(`no simulated I2C bus ${at.bus}`);
      const fault =
        f.kind === 'i2c-error-rate' ? { kind: 'error-rate' as const, rate: f.rate } : f.kind === 'i2c-disconnect' ? { kind: 'disconnect' as const } : f.kind === 'i2c-slow' ? { kind: 'slow' as const, delayMs: f.delayMs } : { kind: 'garbage' as const };
      bus.setFault(at.address, fault);
      return () => bus.setFault(at.address, null);
    }
    case 'wrong-chip-id': {
      const id = need('a BME280 sensor id');
      const model = sim.bme280.get(id);
      if (!model) throw new ScenarioTargetError(`"${id}" is not a BME280 in enclosure "${encId}"`);
      model.setChipId(f.chipId);
      return () => model.setChipId(0x60);
    }
    case 'stuck-value': {
      const id = need('a sensor id');
      const model = sim.bme280.get(id);
      if (model) {
        model.freeze();
        return () => model.unfreeze();
      }
      const w1 = sim.ds18b20.get(id);
      if (!w1) throw new ScenarioTargetError(`no sensor "${id}" in enclosure "${encId}"`);
      world.oneWire.setFault(w1, 'stuck');
      return () => world.oneWire.setFault(w1, null);
    }
    case 'onewire-absent':
    case 'onewire-crc':
    case 'onewire-power-on': {
      const id = need('a DS18B20 sensor id');
      const w1 = sim.ds18b20.get(id);
      if (!w1) throw new ScenarioTargetError(`"${id}" is not a DS18B20 in enclosure "${encId}"`);
      world.oneWire.setFault(w1, f.kind === 'onewire-absent' ? 'absent' : f.kind === 'onewire-crc' ? 'crc' : 'power-on');
      return () => world.oneWire.setFault(w1, null);
    }
    case 'heater-dead':
    case 'relay-stuck-on': {
      const id = need('a heater id');
      sim.physics.setHeaterFault(id, f.kind === 'heater-dead' ? 'dead' : 'stuck-on');
      return () => sim.physics.setHeaterFault(id, null);
    }
    case 'gpio-write-failure': {
      const id = need('an actuator id');
      const a = sim.config.actuators.find((x) => x.id === id);
      if (!a || a.kind === 'feeder' || a.output.type !== 'gpio') throw new ScenarioTargetError(`"${id}" is not a GPIO output in enclosure "${encId}"`);
      const line = a.output.pin;
      world.gpio.setWriteFailure(line, 'EIO');
      return () => world.gpio.setWriteFailure(line, null);
    }
    case 'water-empty':
      sim.forceWaterEmpty = true;
      return () => {
        sim.forceWaterEmpty = false;
      };
    case 'crash-restart':
    case 'clock-jump':
    case 'power-cut':
    case 'disk-full':
    case 'state-readonly':
    case 'process-hang':
    case 'operator':
      throw new ScenarioTargetError(`${f.kind} is applied by the runner, not the world`);
    default:
      throw new ScenarioTargetError(`fault ${f.kind} is not simulated yet`);
  }
}
