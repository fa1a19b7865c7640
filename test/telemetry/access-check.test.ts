import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MqttSchema } from '../../src/config/mqtt-schema.js';
import { mqttAccessChecks } from '../../src/telemetry/access-check.js';
import { passwordFileWarning } from '../../src/telemetry/client-options.js';

const mqtt = (o: Record<string, unknown>) => MqttSchema.parse({ url: 'mqtts://home.lan:8883', ...o });

describe('what terrarium check says about who may command the controller', () => {
  it('states the accepted kinds, the topic filter and that the broker ACL decides, for a logged-in controller', () => {
    const [c] = mqttAccessChecks(mqtt({ username: 'terrarium', passwordEnv: 'PW' }), 'terra01', '/etc/terrarium');
    expect(c).toMatchObject({ item: 'MQTT commands', verdict: 'ok' });
    expect(c.detail).toMatch(/^enabled: mode, setpoint, output, feed, acknowledge on terrarium\/terra01\/\+\/cmd\/#; who can send them: decided by the broker's ACL/);
  });

  it('warns that an anonymous controller suggests anyone may send commands, and about MQTT 3.1.1 and clear text', () => {
    const checks = mqttAccessChecks(MqttSchema.parse({ url: 'mqtt://home.lan', protocolVersion: 4 }), 'terra01', '/');
    expect(checks.map((c) => [c.item, c.verdict])).toEqual([
      ['MQTT commands', 'warn'],
      ['MQTT retained commands', 'warn'],
      ['MQTT transport', 'warn'],
    ]);
    expect(checks[0].detail).toMatch(/anonymously, so the broker probably lets anyone who reaches it publish commands/);
  });

  it('says commands are off, or which kinds are left', () => {
    expect(mqttAccessChecks(mqtt({ commandsEnabled: false }), 'terra01', '/')[0]).toMatchObject({ verdict: 'ok', detail: 'off: telemetry only, nothing is subscribed' });
    expect(mqttAccessChecks(mqtt({ username: 'u', passwordEnv: 'P', allowedCommands: ['acknowledge'] }), 'terra01', '/')[0].detail).toMatch(/^enabled: acknowledge on /);
  });

  it('warns about a password file other users can read, relative to the config directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-'));
    writeFileSync(join(dir, 'pw'), 'secret\n');
    chmodSync(join(dir, 'pw'), 0o644);
    expect(passwordFileWarning({ passwordFile: 'pw' }, dir)).toBe(`mqtt.passwordFile ${join(dir, 'pw')} is readable by other users (mode 644): chmod 600 it`);
    const checks = mqttAccessChecks(mqtt({ username: 'u', passwordFile: 'pw' }), 'terra01', dir);
    expect(checks.find((c) => c.item === 'MQTT password file')?.verdict).toBe('warn');
    chmodSync(join(dir, 'pw'), 0o600);
    expect(passwordFileWarning({ passwordFile: 'pw' }, dir)).toBeNull();
    expect(mqttAccessChecks(mqtt({ username: 'u', passwordFile: 'pw' }), 'terra01', dir).find((c) => c.item === 'MQTT password file')).toBeUndefined();
  });
});
