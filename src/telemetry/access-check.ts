import type { MqttConfig } from '../config/mqtt-schema.js';
import { passwordFileWarning } from './client-options.js';

/** One line of `terrarium check` (the app's `CheckResult` shape). */
export interface AccessCheck {
  item: string;
  verdict: 'ok' | 'warn' | 'fail';
  detail: string;
}

/**
 * What `terrarium check` can say about who may command this controller, from the configuration
 * alone: which command kinds are accepted and on which topics, whether the controller logs in
 * (an anonymous login suggests a broker that lets anyone publish), whether the link is encrypted,
 * whether MQTT 5 lets retained commands be recognised, and whether the password file is private.
 * The broker's ACL itself is invisible to a client, so the last word is the broker's.
 * @param controllerId `controller.id` (the second topic level)
 * @param baseDir directory relative paths are resolved against (the config file's)
 */
export function mqttAccessChecks(m: MqttConfig, controllerId: string, baseDir: string): AccessCheck[] {
  const allowed = m.commandsEnabled ? m.allowedCommands : [];
  const filter = `${m.baseTopic}/${controllerId}/+/cmd/#`;
  const out: AccessCheck[] = [];
  if (allowed.length === 0) {
    out.push({ item: 'MQTT commands', verdict: 'ok', detail: 'off: telemetry only, nothing is subscribed' });
  } else {
    const who =
      m.username === undefined
        ? 'the controller logs in anonymously, so the broker probably lets anyone who reaches it publish commands: give it a user and an ACL (docs/mqtt.md)'
        : `decided by the broker's ACL (invisible to the controller); with the example ACL only the keeper's user may publish to ${filter} and only "${m.username}" may publish telemetry`;
    out.push({ item: 'MQTT commands', verdict: m.username === undefined ? 'warn' : 'ok', detail: `enabled: ${allowed.join(', ')} on ${filter}; who can send them: ${who}` });
    if (m.protocolVersion === 4) out.push({ item: 'MQTT retained commands', verdict: 'warn', detail: 'protocolVersion 4 (MQTT 3.1.1) cannot tell a retained command published while connected from a fresh one: remove protocolVersion (MQTT 5) or deny retained publishes in the broker' });
  }
  if (/^mqtt:\/\//.test(m.url) && !/^mqtt:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(m.url)) out.push({ item: 'MQTT transport', verdict: 'warn', detail: `${m.url} is not encrypted: the password and commands cross the network in clear (use mqtts:// and tls.ca)` });
  const pw = passwordFileWarning(m, baseDir);
  if (pw) out.push({ item: 'MQTT password file', verdict: 'warn', detail: pw });
  return out;
}
