import type { ActuatorConfig, SensorConfig } from './enclosure-schema.js';
import type { ConfigIssue } from './errors.js';

/**
 * What the cross-checks look at: the enclosures, where any part that failed its schema is
 * `undefined` (so a schema error elsewhere does not hide a conflict here). Array positions are
 * the file's, so paths point at the right element.
 */
export interface CrossCheckInput {
  enclosures: ReadonlyArray<
    | {
        id?: string;
        sensors: ReadonlyArray<SensorConfig | undefined>;
        actuators: ReadonlyArray<ActuatorConfig | undefined>;
        waterLevel?: { pin: number };
        humiditySensors?: ReadonlyArray<string>;
      }
    | undefined
  >;
}

/** A resource (GPIO line, I2C address, 1-Wire id) and the first config path that claimed it. */
class Claims<K> {
  private readonly owners = new Map<K, { path: string; kind: string }>();

  /** Claims `key` for `path`; returns the earlier owner when there is one and `shareable` does not allow it. */
  claim(key: K, path: string, kind: string, shareable = false): { path: string; kind: string } | undefined {
    const prev = this.owners.get(key);
    if (!prev) {
      this.owners.set(key, { path, kind });
      return undefined;
    }
    return shareable && prev.kind === kind ? undefined : prev;
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Checks the schema cannot express, across the whole file (all enclosures together): a GPIO line
 * used twice; two devices at one I2C bus+address (two BME280 included; only channels of one
 * PCA9685 or lines of one expander of the same type may share their board's address); an expander
 * line or a smart plug relay (Tasmota topic + relay, Shelly prefix + switch) used twice; two DS18B20 with the same 1-Wire id; duplicate ids; a heater whose
 * sensors are not in its enclosure; a heater `limit` sensor that is one of its thermostat sensors
 * (limit probes are left out of the air over-temperature check); unknown humidity sensors.
 * One pass over the file with hash maps: linear in its size.
 * Returns every issue found (empty when the config is consistent).
 */
export function crossCheck(cfg: CrossCheckInput): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pins = new Claims<number>();
  const claimPin = (pin: number, path: string): void => {
    const prev = pins.claim(pin, path, 'gpio');
    if (prev) issues.push({ path, message: `GPIO${pin} is already used by ${prev.path}` });
  };
  const i2c = new Claims<string>();
  const claimI2c = (bus: number, address: number, device: 'bme280' | 'pca9685' | 'mcp23017' | 'pcf8574' | 'pcf8575', path: string): void => {
    const prev = i2c.claim(`${bus}:${address}`, path, device, device !== 'bme280');
    if (prev) issues.push({ path, message: `I2C bus ${bus} address ${hex(address)} is already used by ${prev.path} (${prev.kind})` });
  };
  const pwm = new Claims<string>();
  const claimPwm = (bus: number, address: number, channel: number, path: string): void => {
    const prev = pwm.claim(`${bus}:${address}:${channel}`, path, 'pwm');
    if (prev) issues.push({ path, message: `PCA9685 channel ${channel} at ${hex(address)} is already used by ${prev.path}` });
  };
  const lines = new Claims<string>();
  const claimLine = (bus: number, address: number, line: number, chip: string, path: string): void => {
    const prev = lines.claim(`${bus}:${address}:${line}`, path, 'line');
    if (prev) issues.push({ path, message: `${chip} line ${line} at ${hex(address)} on bus ${bus} is already used by ${prev.path}` });
  };
  const plugs = new Claims<string>();
  const claimPlug = (key: string, what: string, path: string): void => {
    const prev = plugs.claim(key, path, 'plug');
    if (prev) issues.push({ path, message: `${what} is already used by ${prev.path}` });
  };
  const oneWire = new Claims<string>();
  const enclosureIds = new Set<string>();
  cfg.enclosures.forEach((enc, e) => {
    if (!enc) return;
    const base = `enclosures[${e}]`;
    if (enc.id !== undefined) {
      if (enclosureIds.has(enc.id)) issues.push({ path: `${base}.id`, message: `duplicate enclosure id "${enc.id}"` });
      enclosureIds.add(enc.id);
    }
    const sensors = new Map<string, SensorConfig>();
    enc.sensors.forEach((s, i) => {
      if (!s) return;
      const p = `${base}.sensors[${i}]`;
      if (sensors.has(s.id)) issues.push({ path: `${p}.id`, message: `duplicate sensor id "${s.id}"` });
      else sensors.set(s.id, s);
      if (s.type === 'bme280') claimI2c(s.bus, s.address, 'bme280', p);
      else {
        const prev = oneWire.claim(s.deviceId, `${p}.deviceId`, 'ds18b20');
        if (prev) issues.push({ path: `${p}.deviceId`, message: `DS18B20 ${s.deviceId} is already used by ${prev.path}` });
      }
    });
    const sensorList = (): string => [...sensors.keys()].join(', ');
    const actuatorIds = new Set<string>();
    enc.actuators.forEach((a, i) => {
      if (!a) return;
      const p = `${base}.actuators[${i}]`;
      if (actuatorIds.has(a.id) || sensors.has(a.id)) issues.push({ path: `${p}.id`, message: `duplicate id "${a.id}" in enclosure "${enc.id ?? e}"` });
      actuatorIds.add(a.id);
      if (a.kind === 'feeder') {
        if (a.drive.type === 'relay-pulse') claimPin(a.drive.pin, `${p}.drive.pin`);
        else {
          claimI2c(a.drive.bus, a.drive.address, 'pca9685', `${p}.drive`);
          claimPwm(a.drive.bus, a.drive.address, a.drive.channel, `${p}.drive.channel`);
        }
      } else {
        const o = a.output;
        switch (o.type) {
          case 'gpio':
            claimPin(o.pin, `${p}.output.pin`);
            break;
          case 'pca9685':
            claimI2c(o.bus, o.address, 'pca9685', `${p}.output`);
            claimPwm(o.bus, o.address, o.channel, `${p}.output.channel`);
            break;
          case 'mcp23017':
          case 'pcf8574':
          case 'pcf8575':
            claimI2c(o.bus, o.address, o.type, `${p}.output`);
            claimLine(o.bus, o.address, o.line, o.type.toUpperCase(), `${p}.output.line`);
            break;
          case 'tasmota':
            claimPlug(`tasmota:${o.topic}:${o.relay}`, `Tasmota plug "${o.topic}" relay ${o.relay}`, `${p}.output`);
            break;
          case 'shelly':
            claimPlug(`shelly:${o.prefix}:${o.switchId}`, `Shelly "${o.prefix}" switch ${o.switchId}`, `${p}.output`);
            break;
        }
      }
      if (a.kind !== 'heater') return;
      a.sensors.forEach((sid, k) => {
        const s = sensors.get(sid);
        if (!s) {
          issues.push({ path: `${p}.sensors[${k}]`, message: `heater "${a.id}" names sensor "${sid}", which is not in enclosure "${enc.id ?? e}" (sensors: ${sensorList()})` });
        } else if (s.placement === 'surface') {
          issues.push({ path: `${p}.sensors[${k}]`, message: `sensor "${sid}" is a surface probe; a thermostat needs air sensors (use it as the heater's "limit")` });
        }
      });
    });
    // A limit probe is excluded from the air over-temperature check: it must not be the heater's own air sensor.
    enc.actuators.forEach((a, i) => {
      if (a?.kind !== 'heater' || !a.limit) return;
      const path = `${base}.actuators[${i}].limit.sensor`;
      if (!sensors.has(a.limit.sensor)) {
        issues.push({ path, message: `limit sensor "${a.limit.sensor}" is not in enclosure "${enc.id ?? e}" (sensors: ${sensorList()})` });
      } else if (a.sensors.includes(a.limit.sensor)) {
        issues.push({
          path,
          message: `limit sensor "${a.limit.sensor}" is one of this heater's thermostat (air) sensors; the limit must be a separate probe on the heat source (limit probes are left out of the air over-temperature check)`,
        });
      }
    });
    if (enc.waterLevel) claimPin(enc.waterLevel.pin, `${base}.waterLevel.pin`);
    enc.humiditySensors?.forEach((sid, k) => {
      if (sensors.get(sid)?.type !== 'bme280') issues.push({ path: `${base}.humiditySensors[${k}]`, message: `"${sid}" is not a humidity sensor (bme280) in enclosure "${enc.id ?? e}"` });
    });
  });
  return issues;
}
