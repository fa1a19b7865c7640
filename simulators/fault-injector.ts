import type { ActuatorConfig } from '../src/config/enclosure-schema.js';
import type { Config } from '../src/config/load.js';
import { durationMs, type ScenarioEvent } from './scenario.js';
import type { SimWorld } from './sim-world.js';
import { ScenarioTargetError } from './errors.js';

/**
 * Applies one scenario fault to the simulated world and returns the function that clears it.
 * The kinds of `RUNNER_FAULT_KINDS` are handled by the runner (they act on the process, its state
 * directory, the clock or the operator). Every kind is described in docs/simulation-faults.md.
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
      const id = need('a BME280 sensor id, or an output on an I2C expander or PCA9685');
      const at = sim.bme280At.get(id) ?? i2cChipOfActuator(sim.config.actuators.find((x) => x.id === id));
      if (!at) throw new ScenarioTargetError(`"${id}" is neither a BME280 nor an output on an I2C chip in enclosure "${encId}"`);
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
    case 'heater-dead': {
      const id = need('a heater id');
      sim.physics.setHeaterFault(id, 'dead');
      return () => sim.physics.setHeaterFault(id, null);
    }
    case 'relay-stuck-on':
    case 'relay-stuck-off': {
      const id = need('an output id (heater, light, mister, fan, cutoff)');
      const load = sim.loads.find((l) => l.actuatorId === id);
      if (!load) throw new ScenarioTargetError(`"${id}" is not an output in enclosure "${encId}"`);
      load.stuck = f.kind === 'relay-stuck-on' ? 'on' : 'off';
      return () => {
        load.stuck = null;
      };
    }
    case 'sensor-offset':
    case 'sensor-drift':
    case 'sensor-gain':
    case 'sensor-noise': {
      const id = need('a sensor id');
      const faults = sim.sensorFaults.get(id);
      if (!faults) throw new ScenarioTargetError(`no sensor "${id}" in enclosure "${encId}"`);
      if (f.quantity === 'humidity' && !sim.bme280.has(id)) throw new ScenarioTargetError(`"${id}" does not measure humidity`);
      world.sync(); // physics up to now under the old readings
      return faults.add(
        f.kind === 'sensor-offset'
          ? { kind: 'offset', quantity: f.quantity, by: f.by }
          : f.kind === 'sensor-drift'
            ? { kind: 'drift', quantity: f.quantity, perHour: f.perHour, sinceMs: world.clock.monotonic() }
            : f.kind === 'sensor-gain'
              ? { kind: 'gain', quantity: f.quantity, factor: f.factor }
              : { kind: 'noise', quantity: f.quantity, sd: f.sd },
      );
    }
    case 'probe-detached':
    case 'humidity-saturated': {
      const id = need(f.kind === 'probe-detached' ? 'a sensor id' : 'a BME280 sensor id');
      const faults = sim.sensorFaults.get(id);
      if (!faults || (f.kind === 'humidity-saturated' && !sim.bme280.has(id))) throw new ScenarioTargetError(`"${id}" is not a ${f.kind === 'probe-detached' ? 'sensor' : 'BME280'} in enclosure "${encId}"`);
      return faults.add(f.kind === 'probe-detached' ? { kind: 'detached', reads: f.reads } : { kind: 'saturated' });
    }
    case 'onewire-error-rate': {
      const id = need('a DS18B20 sensor id');
      const w1 = sim.ds18b20.get(id);
      if (!w1) throw new ScenarioTargetError(`"${id}" is not a DS18B20 in enclosure "${encId}"`);
      world.oneWire.setErrorRate(w1, f.rate);
      return () => world.oneWire.setErrorRate(w1, 0);
    }
    case 'i2c-bus-stall': {
      let n = f.bus;
      if (n === undefined) {
        const id = need('an I2C device id, or give the fault a "bus"');
        n = sim.bme280At.get(id)?.bus ?? i2cBusOfActuator(sim.config.actuators.find((a) => a.id === id));
        if (n === undefined) throw new ScenarioTargetError(`"${id}" is not an I2C device in enclosure "${encId}"`);
      }
      const bus = world.buses.get(n);
      if (!bus) throw new ScenarioTargetError(`no simulated I2C bus ${n}`);
      bus.setStalled(true);
      return () => bus.setStalled(false);
    }
    case 'gpio-reopen-failure': {
      const id = need('a GPIO output id');
      const line = gpioLine(sim.config.actuators.find((x) => x.id === id));
      if (line === undefined) throw new ScenarioTargetError(`"${id}" is not a GPIO output in enclosure "${encId}"`);
      // Writes fail, and so does the controller's re-open of the line, until cleared.
      world.gpio.setWriteFailure(line, 'EIO');
      world.gpio.setOpenFailure(line, 'EBUSY');
      return () => {
        world.gpio.setWriteFailure(line, null);
        world.gpio.setOpenFailure(line, null);
      };
    }
    case 'float-stuck': {
      if (!sim.config.waterLevel) throw new ScenarioTargetError(`enclosure "${encId}" has no float switch`);
      sim.floatStuck = f.reads;
      return () => {
        sim.floatStuck = null;
      };
    }
    case 'servo-jam': {
      const feeder = device ? sim.feeders.get(device) : [...sim.feeders.values()][0];
      if (!feeder) throw new ScenarioTargetError(`${device ? `"${device}" is not a servo feeder` : 'no servo feeder'} in enclosure "${encId}"`);
      feeder.jammed = true;
      return () => {
        feeder.jammed = false;
      };
    }
    case 'room': {
      world.sync();
      sim.physics.setEnvironment({ room: { deltaC: f.deltaC, toC: f.toC, rampMs: f.ramp === undefined ? 0 : durationMs(f.ramp), startMs: world.clock.monotonic() } });
      return () => {
        world.sync();
        sim.physics.setEnvironment({ room: null });
      };
    }
    case 'sun-on-glass': {
      world.sync();
      sim.physics.setEnvironment({ sunW: f.watts });
      return () => {
        world.sync();
        sim.physics.setEnvironment({ sunW: 0 });
      };
    }
    case 'lid-open': {
      world.sync();
      sim.physics.setEnvironment({ lidOpen: true });
      return () => {
        world.sync();
        sim.physics.setEnvironment({ lidOpen: false });
      };
    }
    case 'gpio-write-failure': {
      const id = need('an actuator id');
      const line = gpioLine(sim.config.actuators.find((x) => x.id === id));
      if (line === undefined) throw new ScenarioTargetError(`"${id}" is not a GPIO output in enclosure "${encId}"`);
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
  }
}

/** The GPIO line of an output driven by a relay on the header, or undefined. */
function gpioLine(a: ActuatorConfig | undefined): number | undefined {
  return a && a.kind !== 'feeder' && a.output.type === 'gpio' ? a.output.pin : undefined;
}

/**
 * The I2C chip (bus, address) an actuator is driven through: an MCP23017, PCF8574/PCF8575 or
 * PCA9685 output, or a servo feeder's PCA9685; undefined for GPIO lines and smart plugs.
 */
function i2cChipOfActuator(a: ActuatorConfig | undefined): { bus: number; address: number } | undefined {
  if (!a) return undefined;
  if (a.kind === 'feeder') return a.drive.type === 'servo' ? { bus: a.drive.bus, address: a.drive.address } : undefined;
  const o = a.output;
  return o.type === 'mcp23017' || o.type === 'pcf8574' || o.type === 'pcf8575' || o.type === 'pca9685' ? { bus: o.bus, address: o.address } : undefined;
}

/** The I2C bus of an actuator on a PCA9685 (light channel or servo feeder), or undefined. */
function i2cBusOfActuator(a: ActuatorConfig | undefined): number | undefined {
  if (!a) return undefined;
  if (a.kind === 'feeder') return a.drive.type === 'servo' ? a.drive.bus : undefined;
  return a.output.type === 'pca9685' ? a.output.bus : undefined;
}
