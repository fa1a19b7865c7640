import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { IClientOptions } from 'mqtt';
import type { MqttConfig } from '../config/mqtt-schema.js';
import { MqttCredentialsError } from './errors.js';

/** Where secrets come from; injectable so tests need no real files or environment. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => Buffer;
}

/** The process environment and the file system. */
export function systemSecrets(): SecretSources {
  return { env: process.env, readFile: (p) => readFileSync(p) };
}

/**
 * MQTT.js options for one connection attempt. Secrets (password, TLS key) are read here, at every
 * attempt, so a rotated password or renewed certificate is picked up without a restart; they go
 * only into the returned object, never into logs, errors or state.
 *
 * Fixed choices: `reconnectPeriod: 0` (we reconnect ourselves with backoff
 * and jitter on the injected clock), `queueQoSZero: false` and `clean: true` (MQTT.js's offline
 * queues are unbounded and in memory; the SQLite outbox replaces them, and commands sent while
 * we were away must not run late), LWT `offline` retained at QoS 1 on the availability topic.
 *
 * @param baseDir directory relative `passwordFile` / `tls.*` paths are resolved against (the config file's)
 * @throws MqttCredentialsError naming the file or variable that could not be read
 */
export function buildClientOptions(
  mqtt: MqttConfig,
  controllerId: string,
  availabilityTopic: string,
  baseDir: string,
  secrets: SecretSources = systemSecrets(),
): IClientOptions {
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const read = (p: string, what: string): Buffer => {
    try {
      return secrets.readFile(path(p));
    } catch (e) {
      throw new MqttCredentialsError(`cannot read ${what} ${path(p)}: ${(e as { code?: string }).code ?? 'error'}`, { cause: e });
    }
  };

  const opts: IClientOptions = {
    clientId: mqtt.clientId ?? `terrarium-${controllerId}`,
    protocolVersion: mqtt.protocolVersion ?? 5,
    keepalive: mqtt.keepaliveSeconds,
    connectTimeout: 10_000,
    reconnectPeriod: 0,
    queueQoSZero: false,
    clean: true,
    resubscribe: false,
    will: { topic: availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
  };
  if (mqtt.username !== undefined) opts.username = mqtt.username;
  if (mqtt.passwordFile !== undefined) {
    // First line only: `echo secret > file` adds a newline that is not part of the password.
    opts.password = read(mqtt.passwordFile, 'mqtt.passwordFile').toString('utf8').split(/\r?\n/)[0];
  } else if (mqtt.passwordEnv !== undefined) {
    const v = secrets.env[mqtt.passwordEnv];
    if (v === undefined || v === '') throw new MqttCredentialsError(`environment variable ${mqtt.passwordEnv} (mqtt.passwordEnv) is not set`);
    opts.password = v;
  }
  if (mqtt.tls) {
    if (mqtt.tls.ca) opts.ca = read(mqtt.tls.ca, 'mqtt.tls.ca');
    if (mqtt.tls.cert) opts.cert = read(mqtt.tls.cert, 'mqtt.tls.cert');
    if (mqtt.tls.key) opts.key = read(mqtt.tls.key, 'mqtt.tls.key');
    opts.rejectUnauthorized = mqtt.tls.rejectUnauthorized;
  }
  return opts;
}

/**
 * True when a password file may be read by users other than its owner (any group or other
 * permission bit), which `terrarium check` and the start-up log warn about; `false` when it is
 * private or cannot be examined (the read error is reported where the file is read).
 * @param statMode the file's `st_mode`
 */
export function readableByOthers(statMode: number): boolean {
  return (statMode & 0o077) !== 0;
}

/**
 * A warning when `mqtt.passwordFile` can be read by other users (mode wider than 0600/0400),
 * `null` when it is private, absent or cannot be examined (a missing file is reported when read).
 * @param baseDir directory a relative path is resolved against (the config file's)
 */
export function passwordFileWarning(mqtt: Pick<MqttConfig, 'passwordFile'>, baseDir: string): string | null {
  if (mqtt.passwordFile === undefined) return null;
  const p = isAbsolute(mqtt.passwordFile) ? mqtt.passwordFile : resolve(baseDir, mqtt.passwordFile);
  let mode: number;
  try {
    mode = statSync(p).mode;
  } catch {
    return null;
  }
  return readableByOthers(mode) ? `mqtt.passwordFile ${p} is readable by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it` : null;
}

