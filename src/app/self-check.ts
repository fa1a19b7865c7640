import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mqttAccessChecks } from '../telemetry/access-check.js';
import { connect } from 'node:net';
import type { Config } from '../config/load.js';
import { isClockPlausible } from '../control/clock-plausibility.js';
import { Bme280 } from '../drivers/bme280.js';
import { Ds18b20 } from '../drivers/ds18b20.js';
import { Pca9685 } from '../drivers/pca9685.js';
import { RelayOutput } from '../drivers/relay.js';
import { describeError } from '../errors.js';
import { withTimeout, type Clock } from '../hal/clock.js';
import type { Hardware } from '../hal/index.js';
import { Pca9685Pool } from './build-devices.js';
import { CLOCK_PLAUSIBLE_AFTER } from './clock-floor.js';
import { deadManOf, type OutputConfig, outputDriverFactory } from './output-drivers.js';

/** Where an expander line or plug output is, for the check table. */
function outputWhere(out: OutputConfig): string {
  switch (out.type) {
    case 'tasmota':
      return `${out.topic} POWER${out.relay}`;
    case 'shelly':
      return `${out.prefix} switch:${out.switchId}`;
    case 'gpio':
      return `GPIO${out.pin}`;
    case 'pca9685':
      return `i2c-${out.bus} 0x${out.address.toString(16)} channel ${out.channel}`;
    default:
      return `i2c-${out.bus} 0x${out.address.toString(16)} line ${out.line}${out.activeLow ? ' (active-low)' : ''}`;
  }
}

/** One line of the `terrarium check` table. */
export interface CheckResult {
  item: string;
  verdict: 'ok' | 'warn' | 'fail';
  detail: string;
}

/** Budget of one device probe, ms. */
const PROBE_TIMEOUT_MS = 5_000;

async function probe(clock: Clock, item: string, fn: () => Promise<string>): Promise<CheckResult> {
  try {
    const detail = await withTimeout(clock, fn(), PROBE_TIMEOUT_MS, () => new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`));
    return { item, verdict: 'ok', detail };
  } catch (e) {
    return { item, verdict: 'fail', detail: describeError(e) };
  }
}

/**
 * Probes every configured device and the environment: BME280 chip id,
 * DS18B20 presence and a valid reading, each relay line opened at its safe level and read back,
 * PCA9685 boards, relays on expander lines and smart plugs (driven OFF and confirmed), whether each
 * heater's output has a dead-man of its own (a heater on a plug without one is a warning), the
 * float switch, clock plausibility, the state directory, the broker.
 * Outputs are driven only to their OFF level. Never throws: every problem is a `fail` row.
 */
export async function selfCheck(config: Config, hw: Hardware): Promise<CheckResult[]> {
  const { clock } = hw;
  const results: CheckResult[] = [{ item: 'configuration', verdict: 'ok', detail: `${config.file}: ${config.enclosures.length} enclosure(s), backend ${hw.kind}` }];
  const boards = new Set<string>();
  const pwmPool = new Pca9685Pool(hw);
  for (const enc of config.enclosures) {
    for (const s of enc.sensors) {
      if (s.type === 'bme280') {
        results.push(
          await probe(clock, `${enc.id}/${s.id} BME280 i2c-${s.bus} 0x${s.address.toString(16)}`, async () => {
            const bus = await hw.i2c.open(s.bus);
            try {
              const d = new Bme280(bus, s.address, clock, { oversampling: s.oversampling, filter: s.filter });
              await d.init();
              const r = await d.read();
              const t = r.find((x) => x.quantity === 'temperature')?.value;
              return `chip id 0x60, ${t?.toFixed(1)} °C`;
            } finally {
              await bus.close();
            }
          }),
        );
      } else {
        results.push(
          await probe(clock, `${enc.id}/${s.id} DS18B20 ${s.deviceId}`, async () => {
            const d = new Ds18b20(hw.oneWire, s.deviceId);
            await d.init();
            const r = await d.read();
            return `present, ${r[0]?.value.toFixed(2)} °C`;
          }),
        );
      }
    }
    for (const a of enc.actuators) {
      const pwm = a.kind === 'feeder' ? (a.drive.type === 'servo' ? a.drive : undefined) : a.output.type === 'pca9685' ? a.output : undefined;
      const pin = a.kind === 'feeder' ? (a.drive.type === 'relay-pulse' ? { pin: a.drive.pin, activeLow: a.drive.activeLow } : undefined) : a.output.type === 'gpio' ? a.output : undefined;
      if (pin) {
        results.push(
          await probe(clock, `${enc.id}/${a.id} relay GPIO${pin.pin}${pin.activeLow ? ' (active-low)' : ''}`, async () => {
            const r = new RelayOutput(hw.gpio, { pin: pin.pin, activeLow: pin.activeLow, startupState: 'off' });
            await r.init();
            await r.close();
            return 'line opened at OFF and read back';
          }),
        );
      }
      if (pwm && !boards.has(`${pwm.bus}:${pwm.address}`)) {
        boards.add(`${pwm.bus}:${pwm.address}`);
        results.push(
          await probe(clock, `PCA9685 i2c-${pwm.bus} 0x${pwm.address.toString(16)}`, async () => {
            const bus = await hw.i2c.open(pwm.bus);
            try {
              const b = new Pca9685(bus, pwm.address, clock, { frequencyHz: 50 });
              await b.init();
              return `answering, ${b.frequencyHz.toFixed(1)} Hz`;
            } finally {
              await bus.close();
            }
          }),
        );
      }
    }
    for (const a of enc.actuators) {
      if (a.kind === 'feeder' || a.output.type === 'gpio' || a.output.type === 'pca9685') continue;
      const out = a.output;
      results.push(
        await probe(clock, `${enc.id}/${a.id} ${out.type} ${outputWhere(out)}`, async () => {
          const d = await outputDriverFactory(out, 'off', hw, pwmPool, pwmPool.expanders, `terrarium-check-${enc.id}-${a.id}`)();
          await d.init();
          await d.set(false);
          await d.close();
          return out.type === 'tasmota' || out.type === 'shelly' ? 'plug answered and confirmed OFF' : 'line opened at OFF and read back';
        }),
      );
    }
    for (const a of enc.actuators) {
      if (a.kind !== 'heater') continue;
      const dm = deadManOf(a.output);
      const plug = a.output.type === 'tasmota' || a.output.type === 'shelly';
      results.push({ item: `${enc.id}/${a.id} dead-man`, verdict: dm.has || !plug ? 'ok' : 'warn', detail: dm.has ? `yes: ${dm.how}` : `none: ${dm.how}` });
    }
    if (enc.waterLevel) {
      const wl = enc.waterLevel;
      results.push(
        await probe(clock, `${enc.id}/float switch GPIO${wl.pin}`, async () => {
          const input = await hw.gpio.openInput(wl.pin, wl.pull);
          try {
            const level = await input.read();
            return level === (wl.emptyLevel === 'high') ? 'reservoir EMPTY' : 'water present';
          } finally {
            await input.close();
          }
        }),
      );
    }
  }
  const now = clock.now();
  results.push(isClockPlausible(now, CLOCK_PLAUSIBLE_AFTER) ? { item: 'clock', verdict: 'ok', detail: new Date(now).toISOString() } : { item: 'clock', verdict: 'fail', detail: `${new Date(now).toISOString()} is before ${new Date(CLOCK_PLAUSIBLE_AFTER).toISOString()}: no RTC/NTP yet? (no feeding until it is plausible)` });
  results.push(stateDirCheck(config.controller.stateDir));
  if (config.mqtt) results.push(await brokerCheck(clock, config.mqtt.url), ...mqttAccessChecks(config.mqtt, config.controller.id, config.file === '<inline>' ? process.cwd() : dirname(config.file)));
  if (config.http?.enabled) results.push(await dashboardLoginCheck(config));
  return results;
}

/**
 * The dashboard's login as `run` will find it: a bind beyond this machine without a password (or
 * with a password file others can read) keeps the whole HTTP endpoint from starting, so it is a
 * failure here; no password on loopback only leaves the dashboard empty, a warning.
 */
async function dashboardLoginCheck(config: Config): Promise<CheckResult> {
  const http = config.http as NonNullable<Config['http']>;
  const item = `dashboard login (http on ${http.host}:${http.port})`;
  const { defaultPasswordFile, readPasswordFile } = await import('../http/password.js');
  const { isLoopbackHost } = await import('../config/http-schema.js');
  const file = http.passwordFile ?? defaultPasswordFile(config.controller.stateDir);
  try {
    if (await readPasswordFile(file)) return { item, verdict: 'ok', detail: `password set (${file})` };
  } catch (e) {
    return { item, verdict: 'fail', detail: `${describeError(e)} (the HTTP endpoint will not start)` };
  }
  return isLoopbackHost(http.host)
    ? { item, verdict: 'warn', detail: 'no password yet: probes and metrics answer, the dashboard shows nothing until `terrarium passwd`' }
    : { item, verdict: 'fail', detail: `bound beyond this machine without a password: the HTTP endpoint will not start; run \`terrarium passwd\` or bind 127.0.0.1` };
}

function stateDirCheck(dir: string): CheckResult {
  const item = `state directory ${dir}`;
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probeFile = join(dir, `.check-${process.pid}`);
    writeFileSync(probeFile, 'ok');
    rmSync(probeFile);
    return { item, verdict: 'ok', detail: 'writable' };
  } catch (e) {
    return { item, verdict: 'fail', detail: `not writable: ${(e as NodeJS.ErrnoException).code ?? describeError(e)}` };
  }
}

async function brokerCheck(clock: Clock, url: string): Promise<CheckResult> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'mqtts:' ? 8883 : 1883));
  const item = `MQTT broker ${u.hostname}:${port}`;
  const attempt = new Promise<string>((resolve, reject) => {
    const sock = connect({ host: u.hostname, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve('reachable (TCP)');
    });
    sock.once('error', (e) => reject(e));
  });
  try {
    return { item, verdict: 'ok', detail: await withTimeout(clock, attempt, PROBE_TIMEOUT_MS, () => new Error('no answer within 5 s')) };
  } catch (e) {
    // The controller runs without a broker (outbox), so an unreachable broker is a warning.
    return { item, verdict: 'warn', detail: `unreachable: ${describeError(e)} (readings are kept in the outbox)` };
  }
}

/** Renders the check table for a person. */
export function formatChecks(results: CheckResult[]): string {
  const w = Math.max(...results.map((r) => r.item.length));
  const mark = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' } as const;
  return `${results.map((r) => `${mark[r.verdict]}  ${r.item.padEnd(w)}  ${r.detail}`).join('\n')}\n`;
}
