import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { MqttSchema } from '../../src/config/mqtt-schema.js';
import { redactUrl } from '../../src/redact-url.js';
import { buildClientOptions, type SecretSources } from '../../src/telemetry/client-options.js';
import { MqttCredentialsError } from '../../src/telemetry/errors.js';
import { testConfig } from './support/fixtures.js';

const files: Record<string, string> = {
  '/etc/terrarium/mqtt-password': 's3cret\n',
  '/etc/terrarium/ca.pem': 'CA',
  '/etc/terrarium/client.pem': 'CERT',
  '/etc/terrarium/client.key': 'KEY',
};
const secrets = (env: Record<string, string> = {}): SecretSources => ({
  env,
  readFile: (p) => {
    if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return Buffer.from(files[p]);
  },
});
const mqtt = (over: Record<string, unknown>) => MqttSchema.parse({ url: 'mqtts://broker.lan:8883', ...over });

describe('MQTT client options', () => {
  it('fix the reconnect, queue and LWT choices, and default the client id from the controller id', () => {
    const o = buildClientOptions(mqtt({}), 'terra01', 'terrarium/terra01/availability', '/cfg', secrets());
    expect(o).toMatchObject({ clientId: 'terrarium-terra01', protocolVersion: 5, keepalive: 30, reconnectPeriod: 0, queueQoSZero: false, clean: true });
    expect(o.will).toEqual({ topic: 'terrarium/terra01/availability', payload: Buffer.from('offline'), qos: 1, retain: true });
    expect(o.password).toBeUndefined();
  });

  it('read the password from the first line of passwordFile', () => {
    const o = buildClientOptions(mqtt({ username: 'terra', passwordFile: '/etc/terrarium/mqtt-password' }), 'terra01', 'a', '/cfg', secrets());
    expect([o.username, o.password]).toEqual(['terra', 's3cret']);
  });

  it('read the password from the environment variable named by passwordEnv', () => {
    const o = buildClientOptions(mqtt({ username: 'terra', passwordEnv: 'TERRA_PW' }), 'terra01', 'a', '/cfg', secrets({ TERRA_PW: 'from-env' }));
    expect(o.password).toBe('from-env');
  });

  it('read TLS files relative to the config directory', () => {
    const o = buildClientOptions(mqtt({ tls: { ca: 'ca.pem', cert: 'client.pem', key: 'client.key' } }), 'terra01', 'a', '/etc/terrarium', secrets());
    expect([String(o.ca), String(o.cert), String(o.key), o.rejectUnauthorized]).toEqual(['CA', 'CERT', 'KEY', true]);
  });

  it('name the missing file or variable without revealing any secret', () => {
    expect(() => buildClientOptions(mqtt({ username: 'u', passwordFile: '/nope' }), 'terra01', 'a', '/cfg', secrets())).toThrow(MqttCredentialsError);
    expect(() => buildClientOptions(mqtt({ username: 'u', passwordFile: '/nope' }), 'terra01', 'a', '/cfg', secrets())).toThrow('cannot read mqtt.passwordFile /nope: ENOENT');
    expect(() => buildClientOptions(mqtt({ username: 'u', passwordEnv: 'UNSET_VAR' }), 'terra01', 'a', '/cfg', secrets())).toThrow('environment variable UNSET_VAR (mqtt.passwordEnv) is not set');
  });

  it('strip user info from a URL before logging it', () => {
    expect(redactUrl('mqtts://user:pw@broker:8883')).toBe('mqtts://broker:8883');
  });
});

describe('mqtt config schema', () => {
  it('applies the documented defaults', () => {
    expect(MqttSchema.parse({ url: 'mqtt://127.0.0.1' })).toEqual({
      url: 'mqtt://127.0.0.1',
      baseTopic: 'terrarium',
      discoveryPrefix: 'homeassistant',
      commandsEnabled: true,
      allowedCommands: ['mode', 'setpoint', 'output', 'feed', 'acknowledge'],
      reconnect: { minMs: 1000, maxMs: 60_000, authFailureMs: 600_000 },
      keepaliveSeconds: 30,
      outbox: { maxRows: 100_000, maxAgeHours: 168 },
      publishIntervalSeconds: 60,
      setpointOverrideMinutes: 120,
    });
  });

  it.each([
    [{ url: 'mqtt://u:p@host' }, 'mqtt.url', /no credentials in the URL/],
    [{ url: 'http://host' }, 'mqtt.url', /mqtt:\/\//],
    [{ url: 'mqtt://h', password: 'inline' }, 'mqtt', /unknown key "password"/],
    [{ url: 'mqtt://h', username: 'u', passwordFile: 'f', passwordEnv: 'E' }, 'mqtt.passwordEnv', /not both/],
    [{ url: 'mqtt://h', passwordFile: 'f' }, 'mqtt.username', /needs a username/],
    [{ url: 'mqtt://h', baseTopic: 'a/#' }, 'mqtt.baseTopic', /no "\+", "#"/],
    [{ url: 'mqtt://h', reconnect: { minMs: 5000, maxMs: 1000 } }, 'mqtt.reconnect.maxMs', /must not exceed/],
    [{ url: 'mqtt://h', tls: { cert: 'c' } }, 'mqtt.tls.key', /go together/],
  ])('rejects %j at %s', (m, path, message) => {
    try {
      testConfig(m);
      expect.unreachable('config accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const issue = (e as ConfigError).issues.find((i) => i.path === path);
      expect(issue?.message, JSON.stringify((e as ConfigError).issues)).toMatch(message);
    }
  });
});
