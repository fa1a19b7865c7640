import type { ConfigFile } from './schema.js';
import type { ConfigIssue } from './errors.js';

/**
 * Checks the schema cannot express: a GPIO line used twice, two devices at one I2C address on one
 * bus, a heater whose sensors are not in its enclosure, unknown sensor references.
 * Returns every issue found (empty when the config is consistent).
 */
export function crossCheck(cfg: ConfigFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pins = new Map<number, string>();
  const claimPin = (pin: number, path: string): void => {
    const prev = pins.get(pin);
    if (prev) issues.push({ path, message: `GPIO${pin} is already used by ${prev}` });
    else pins.set(pin, path);
  };
  // I2C: a PCA9685 may be shared by several channels, so key on bus+address+device type.
  const i2c = new Map<string, { path: string; device: string }>();
  const claimI2c = (bus: number, address: number, device: string, path: string): void => {
    const key = `${bus}:${address}`;
    const prev = i2c.get(key);
    if (prev && prev.device !== device) {
      issues.push({ path, message: `I2C bus ${bus} address 0x${address.toString(16)} is already used by ${prev.path} (${prev.device})` });
    } else if (!prev) i2c.set(key, { path, device });
  };
  const pwmChannels = new Map<string, string>();
  const claimPwm = (bus: number, address: number, channel: number, path: string): void => {
    const key = `${bus}:${address}:${channel}`;
    const prev = pwmChannels.get(key);
    if (prev) issues.push({ path, message: `PCA9685 channel ${channel} at 0x${address.toString(16)} is already used by ${prev}` });
    else pwmChannels.set(key, path);
  };

  const enclosureIds = new Set<string>();
  cfg.enclosures.forEach((enc, e) => {
    const base = `enclosures[${e}]`;
    if (enclosureIds.has(enc.id)) issues.push({ path: `${base}.id`, message: `duplicate enclosure id "${enc.id}"` });
    enclosureIds.add(enc.id);

    const sensorIds = new Map<string, string>();
    const surface = new Set(enc.sensors.filter((s) => s.placement === 'surface').map((s) => s.id));
    enc.sensors.forEach((s, i) => {
      const p = `${base}.sensors[${i}]`;
      if (sensorIds.has(s.id)) issues.push({ path: `${p}.id`, message: `duplicate sensor id "${s.id}"` });
      sensorIds.set(s.id, s.type);
      if (s.type === 'bme280') claimI2c(s.bus, s.address, 'bme280', p);
    });
    const actuatorIds = new Set<string>();
    enc.actuators.forEach((a, i) => {
      const p = `${base}.actuators[${i}]`;
      if (actuatorIds.has(a.id) || sensorIds.has(a.id)) issues.push({ path: `${p}.id`, message: `duplicate id "${a.id}" in enclosure "${enc.id}"` });
      actuatorIds.add(a.id);
      if (a.kind === 'feeder') {
        if (a.drive.type === 'relay-pulse') claimPin(a.drive.pin, `${p}.drive.pin`);
        else {
          claimI2c(a.drive.bus, a.drive.address, 'pca9685', `${p}.drive`);
          claimPwm(a.drive.bus, a.drive.address, a.drive.channel, `${p}.drive.channel`);
        }
      } else if (a.output.type === 'gpio') {
        claimPin(a.output.pin, `${p}.output.pin`);
      } else {
        claimI2c(a.output.bus, a.output.address, 'pca9685', `${p}.output`);
        claimPwm(a.output.bus, a.output.address, a.output.channel, `${p}.output.channel`);
      }
      if (a.kind === 'heater') {
        a.sensors.forEach((sid, k) => {
          if (!sensorIds.has(sid)) {
            issues.push({ path: `${p}.sensors[${k}]`, message: `heater "${a.id}" names sensor "${sid}", which is not in enclosure "${enc.id}" (sensors: ${[...sensorIds.keys()].join(', ')})` });
          } else if (surface.has(sid)) {
            issues.push({ path: `${p}.sensors[${k}]`, message: `sensor "${sid}" is a surface probe; a thermostat needs air sensors (use it as the heater's "limit")` });
          }
        });
        if (a.limit && !sensorIds.has(a.limit.sensor)) {
          issues.push({ path: `${p}.limit.sensor`, message: `limit sensor "${a.limit.sensor}" is not in enclosure "${enc.id}"` });
        }
      }
    });
    if (enc.waterLevel) claimPin(enc.waterLevel.pin, `${base}.waterLevel.pin`);
    enc.humiditySensors?.forEach((sid, k) => {
      if (sensorIds.get(sid) !== 'bme280') issues.push({ path: `${base}.humiditySensors[${k}]`, message: `"${sid}" is not a humidity sensor (bme280) in enclosure "${enc.id}"` });
    });
  });
  return issues;
}
