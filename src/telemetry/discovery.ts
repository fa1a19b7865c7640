import type { Config, EnclosureConfig } from '../config/load.js';
import type { CommandKind } from '../config/mqtt-schema.js';
import { SWITCHABLE_KINDS, setpointBounds } from './commands.js';
import type { TopicTree } from './topics.js';

/** One Home Assistant device-based discovery message (`<prefix>/device/<objectId>/config`, retained, QoS 1). */
export interface DiscoveryMessage {
  topic: string;
  objectId: string;
  payload: { device: Record<string, unknown>; origin: Record<string, unknown>; components: Record<string, Record<string, unknown>> };
}

/** Inputs besides the config. */
export interface DiscoveryOptions {
  /** Controller software version for `device.sw_version` / `origin.sw_version`. */
  swVersion: string;
  /** Publish switches, number, select and buttons (off when `mqtt.commandsEnabled` is false). */
  commandsEnabled: boolean;
  /** Command kinds accepted (`mqtt.allowedCommands`); default all when commands are enabled. */
  allowedCommands?: ReadonlySet<CommandKind>;
  /**
   * `expire_after` of every sensor and binary sensor fed by a periodically republished document
   * (enclosure state, controller status), s: a few publish intervals, so a stalled control loop
   * with a live connection shows "unavailable" instead of stale values. Absent: none.
   */
  expireAfterSeconds?: number;
}

/** Publish intervals without a state document after which Home Assistant marks state-driven entities unavailable. */
export const EXPIRE_AFTER_INTERVALS = 3;

/**
 * Home Assistant climate modes (the documented `modes` values) for our operator modes: `auto` is
 * automatic control, `heat` is manual mode (the keeper switches the heater by hand).
 */
export const CLIMATE_MODES = { auto: 'auto', manual: 'heat' } as const;

/** `device.identifiers` of the controller; enclosure devices point at it with `via_device`. */
export function controllerIdentifier(controllerId: string): string {
  return `terrarium_${controllerId}`;
}

/** Entity-id-safe slug (`[a-z0-9_]`), for `default_entity_id`. */
function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** `heat-mat` → `Heat mat`. */
function label(id: string): string {
  const s = id.replace(/[-_]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Builds every discovery message for `config` (docs/mqtt.md "Home Assistant"; contract in
 * `ha-mqtt-discovery.md`): one device for the controller and one per enclosure with `via_device`
 * to it. Rules followed: `unique_id` = `<controller>_<enclosure>_<key>` (stable forever),
 * `default_entity_id` instead of the ignored `object_id`, `availability` on every entity (the
 * controller LWT topic), units exactly as HA's `DEVICE_CLASS_UNITS` (`°C`, `%`, `Pa`), command
 * topics never retained, select/number/button only when commands are enabled.
 */
export function buildDiscovery(config: Config, topics: TopicTree, opts: DiscoveryOptions): DiscoveryMessage[] {
  const ctrl = config.controller.id;
  const origin = { name: 'terrarium-controller', sw_version: opts.swVersion };
  const availability = [{ topic: topics.availability, payload_available: 'online', payload_not_available: 'offline' }];
  const entity = (objectId: string, platform: string, key: string, name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    platform,
    unique_id: `${objectId}_${key}`,
    default_entity_id: `${platform}.${slug(`${objectId}_${key}`)}`,
    name,
    availability,
    ...extra,
  });

  const st = topics.status;
  const expire = opts.expireAfterSeconds ? { expire_after: opts.expireAfterSeconds } : {};
  const controller: DiscoveryMessage = {
    topic: topics.discoveryDevice(ctrl),
    objectId: ctrl,
    payload: {
      device: { identifiers: [controllerIdentifier(ctrl)], name: config.controller.name, manufacturer: 'terrarium-controller', model: 'Terrarium controller', sw_version: opts.swVersion },
      origin,
      components: {
        outbox_pending: entity(ctrl, 'sensor', 'outbox_pending', 'Outbox pending', { state_topic: st, value_template: '{{ value_json.outboxPending }}', state_class: 'measurement', entity_category: 'diagnostic', icon: 'mdi:tray-full', ...expire }),
        outbox_dropped: entity(ctrl, 'sensor', 'outbox_dropped', 'Outbox dropped', { state_topic: st, value_template: '{{ value_json.outboxDropped }}', state_class: 'total_increasing', entity_category: 'diagnostic', icon: 'mdi:tray-remove', ...expire }),
        commands_dropped: entity(ctrl, 'sensor', 'commands_dropped', 'Commands dropped', { state_topic: st, value_template: '{{ value_json.commandsDropped }}', state_class: 'total_increasing', entity_category: 'diagnostic', ...expire }),
        message_seq: entity(ctrl, 'sensor', 'message_seq', 'Message counter', { state_topic: st, value_template: '{{ value_json.seq }}', state_class: 'total_increasing', entity_category: 'diagnostic', icon: 'mdi:counter', ...expire }),
        health: entity(ctrl, 'binary_sensor', 'health', 'Health', { state_topic: topics.health(null), value_template: "{{ 'ON' if value_json.problem else 'OFF' }}", payload_on: 'ON', payload_off: 'OFF', device_class: 'problem', entity_category: 'diagnostic', json_attributes_topic: topics.health(null), json_attributes_template: '{{ value_json.components | tojson }}' }),
      },
    },
  };
  return [controller, ...config.enclosures.map((enc) => enclosureDiscovery(config, enc, topics, opts, origin, entity))];
}

type EntityFn = (objectId: string, platform: string, key: string, name: string, extra: Record<string, unknown>) => Record<string, unknown>;

function enclosureDiscovery(config: Config, enc: EnclosureConfig, topics: TopicTree, opts: DiscoveryOptions, origin: Record<string, unknown>, entity: EntityFn): DiscoveryMessage {
  const ctrl = config.controller.id;
  const objectId = `${ctrl}_${enc.id}`;
  const st = topics.state(enc.id);
  const expire = opts.expireAfterSeconds ? { expire_after: opts.expireAfterSeconds } : {};
  // Sensors and binary sensors of the state document expire when it stops coming.
  const e = (platform: string, key: string, name: string, extra: Record<string, unknown>): Record<string, unknown> =>
    entity(objectId, platform, key, name, (platform === 'sensor' || platform === 'binary_sensor') && extra.state_topic === st ? { ...extra, ...expire } : extra);
  const onOff = (expr: string): Record<string, unknown> => ({ state_topic: st, value_template: `{{ 'ON' if ${expr} else 'OFF' }}`, payload_on: 'ON', payload_off: 'OFF' });
  const hasBme = enc.sensors.some((s) => s.type === 'bme280');
  const hasFeeder = enc.actuators.some((a) => a.kind === 'feeder');
  const can = (kind: CommandKind): boolean => opts.commandsEnabled && (opts.allowedCommands?.has(kind) ?? true);
  const c: Record<string, Record<string, unknown>> = {};

  c.temperature = e('sensor', 'temperature', 'Temperature', { state_topic: st, value_template: '{{ value_json.temperatureC }}', device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement', suggested_display_precision: 1 });
  if (enc.humiditySensors.length > 0) c.humidity = e('sensor', 'humidity', 'Humidity', { state_topic: st, value_template: '{{ value_json.humidityPct }}', device_class: 'humidity', unit_of_measurement: '%', state_class: 'measurement', suggested_display_precision: 0 });
  if (hasBme) c.pressure = e('sensor', 'pressure', 'Pressure', { state_topic: st, value_template: '{{ value_json.pressurePa }}', device_class: 'atmospheric_pressure', unit_of_measurement: 'Pa', state_class: 'measurement', suggested_display_precision: 0 });
  c.setpoint = e('sensor', 'setpoint', 'Active setpoint', { state_topic: st, value_template: '{{ value_json.setpointC }}', device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement', suggested_display_precision: 1 });
  c.mode = e('sensor', 'mode', 'Mode', { state_topic: st, value_template: '{{ value_json.mode }}', device_class: 'enum', options: ['normal', 'degraded', 'safe', 'manual'] });
  c.phase = e('sensor', 'phase', 'Photoperiod phase', { state_topic: st, value_template: '{{ value_json.phase }}', device_class: 'enum', options: ['night', 'dawn', 'day', 'dusk'] });
  c.light_level = e('sensor', 'light_level', 'Light level', { state_topic: st, value_template: '{{ value_json.lightLevelPct }}', unit_of_measurement: '%', state_class: 'measurement', icon: 'mdi:brightness-6' });
  c.fault = e('binary_sensor', 'fault', 'Fault', { ...onOff('value_json.faultActive'), device_class: 'problem', json_attributes_topic: st, json_attributes_template: '{{ {"faults": value_json.faults} | tojson }}' });
  c.latched_fault = e('binary_sensor', 'latched_fault', 'Latched fault', { ...onOff('value_json.latchedFault'), device_class: 'problem' });
  c.health = e('binary_sensor', 'health', 'Component health', { ...onOff('value_json.healthProblem'), device_class: 'problem', entity_category: 'diagnostic', json_attributes_topic: st, json_attributes_template: '{{ value_json.components | tojson }}' });
  if (hasFeeder) c.last_fed = e('sensor', 'last_fed', 'Last fed', { state_topic: st, value_template: '{{ value_json.lastFedAt }}', device_class: 'timestamp' });
  if (opts.commandsEnabled) {
    c.last_command = e('sensor', 'last_command', 'Last command', {
      state_topic: st,
      value_template: "{{ value_json.lastCommand.summary if value_json.lastCommand else 'none' }}",
      entity_category: 'diagnostic',
      icon: 'mdi:console-line',
      json_attributes_topic: st,
      json_attributes_template: '{{ (value_json.lastCommand or {}) | tojson }}',
    });
  }
  if (enc.actuators.some((a) => a.kind === 'heater')) c.thermostat = climate(enc, st, topics, can, e);

  for (const a of enc.actuators) {
    if (a.kind === 'feeder') continue;
    const expr = `value_json.actuators['${a.id}'].on`;
    const key = `actuator_${a.id}`;
    if (can('output') && SWITCHABLE_KINDS.has(a.kind)) {
      // The output's reason as attributes: a refused toggle flips back and says why (limit, interlock, when).
      c[key] = e('switch', key, label(a.id), {
        ...onOff(expr),
        state_on: 'ON',
        state_off: 'OFF',
        command_topic: topics.command(enc.id, 'output', a.id),
        retain: false,
        device_class: 'switch',
        json_attributes_topic: st,
        json_attributes_template: `{{ value_json.actuators['${a.id}'] | tojson }}`,
      });
    } else {
      c[key] = e('binary_sensor', key, label(a.id), { ...onOff(expr), device_class: a.kind === 'cutoff' ? 'power' : 'running' });
    }
  }

  if (can('mode')) c.control_mode = e('select', 'control_mode', 'Control mode', { state_topic: st, value_template: "{{ 'manual' if value_json.mode == 'manual' else 'auto' }}", command_topic: topics.command(enc.id, 'mode'), options: ['auto', 'manual'], retain: false });
  if (can('setpoint')) {
    const b = setpointBounds(enc.climate);
    c.setpoint_override = e('number', 'setpoint_override', 'Setpoint override', { state_topic: st, value_template: '{{ value_json.setpointC }}', command_topic: topics.command(enc.id, 'setpoint'), min: b.minC, max: b.maxC, step: 0.5, mode: 'box', device_class: 'temperature', unit_of_measurement: '°C', retain: false });
    c.resume_schedule = e('button', 'resume_schedule', 'Resume scheduled setpoint', { command_topic: topics.command(enc.id, 'setpoint', 'clear'), payload_press: 'PRESS', retain: false, icon: 'mdi:calendar-clock' });
  }
  if (can('acknowledge')) c.acknowledge = e('button', 'acknowledge', 'Acknowledge faults', { command_topic: topics.command(enc.id, 'acknowledge'), payload_press: 'PRESS', retain: false, icon: 'mdi:check-circle-outline' });
  if (can('feed') && hasFeeder) c.feed = e('button', 'feed', 'Feed now', { command_topic: topics.command(enc.id, 'feed'), payload_press: 'PRESS', retain: false, icon: 'mdi:food-drumstick' });

  return {
    topic: topics.discoveryDevice(objectId),
    objectId,
    payload: {
      device: { identifiers: [`${controllerIdentifier(ctrl)}_${enc.id}`], name: enc.name, manufacturer: 'terrarium-controller', model: `Enclosure (${enc.climate.commonName})`, sw_version: opts.swVersion, via_device: controllerIdentifier(ctrl) },
      origin,
      components: c,
    },
  };
}

/**
 * The enclosure's thermostat card (`climate`): current temperature and the active setpoint from the
 * state document, `action` heating/idle/off from `hvacAction`, modes `auto`/`heat` mapped to our
 * auto/manual ({@link CLIMATE_MODES}); a new target goes to `cmd/setpoint` as a plain number (a
 * setpoint override of `mqtt.setpointOverrideMinutes`, refused outside the same bounds as the
 * number entity, which are also the card's `min_temp`/`max_temp`). Commands only for allowed kinds.
 */
function climate(enc: EnclosureConfig, st: string, topics: TopicTree, can: (k: CommandKind) => boolean, e: (platform: string, key: string, name: string, extra: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  const b = setpointBounds(enc.climate);
  return e('climate', 'thermostat', 'Thermostat', {
    current_temperature_topic: st,
    current_temperature_template: '{{ value_json.temperatureC }}',
    temperature_state_topic: st,
    temperature_state_template: '{{ value_json.setpointC }}',
    ...(can('setpoint') ? { temperature_command_topic: topics.command(enc.id, 'setpoint') } : {}),
    action_topic: st,
    action_template: '{{ value_json.hvacAction }}',
    mode_state_topic: st,
    mode_state_template: `{{ '${CLIMATE_MODES.manual}' if value_json.mode == 'manual' else '${CLIMATE_MODES.auto}' }}`,
    ...(can('mode') ? { mode_command_topic: topics.command(enc.id, 'mode'), mode_command_template: `{{ 'manual' if value == '${CLIMATE_MODES.manual}' else 'auto' }}` } : {}),
    modes: [CLIMATE_MODES.auto, CLIMATE_MODES.manual],
    min_temp: b.minC,
    max_temp: b.maxC,
    temp_step: 0.5,
    precision: 0.1,
    temperature_unit: 'C',
    optimistic: false,
    retain: false,
  });
}
