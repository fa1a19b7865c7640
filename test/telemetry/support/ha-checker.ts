/**
 * A checker for Home Assistant MQTT device-based discovery payloads, written from the contract in
 * the Home Assistant MQTT discovery documentation (§1 topics and device payloads, §2 platform keys,
 * §3 availability, §4 device block, §5 device classes and units, §6 rules 1-18) and the platform
 * pages (home-assistant.io/integrations/climate.mqtt, sensor.mqtt, binary_sensor.mqtt, switch.mqtt,
 * number.mqtt, select.mqtt, button.mqtt). It returns every problem found; an empty list means
 * "Home Assistant would accept this and build the right entity".
 */

const SUPPORTED = new Set(['alarm_control_panel', 'binary_sensor', 'button', 'camera', 'climate', 'cover', 'date', 'datetime', 'device_automation', 'device_tracker', 'event', 'fan', 'humidifier', 'image', 'infrared', 'lawn_mower', 'light', 'lock', 'notify', 'number', 'scene', 'siren', 'select', 'sensor', 'switch', 'tag', 'text', 'time', 'update', 'vacuum', 'valve', 'water_heater']);

/** §1: the only keys a device payload root may have (anything else rejects the whole payload). */
const ROOT_KEYS = new Set(['device', 'dev', 'origin', 'o', 'components', 'cmps', 'availability', 'availability_mode', 'availability_template', 'availability_topic', 'payload_available', 'payload_not_available', 'state_topic', 'command_topic', 'qos', 'encoding', 'message_expiry_interval', 'migrate_discovery']);

/** §4: the 12 allowed device keys, long and short. */
const DEVICE_KEYS = new Set(['identifiers', 'ids', 'connections', 'cns', 'name', 'manufacturer', 'mf', 'model', 'mdl', 'model_id', 'mdl_id', 'serial_number', 'sn', 'hw_version', 'hw', 'sw_version', 'sw', 'via_device', 'suggested_area', 'sa', 'configuration_url', 'cu']);
const ORIGIN_KEYS = new Set(['name', 'sw_version', 'sw', 'support_url', 'url']);

/** §2: keys common to every entity platform. */
const COMMON = ['platform', 'unique_id', 'name', 'default_entity_id', 'availability', 'availability_topic', 'availability_mode', 'availability_template', 'payload_available', 'payload_not_available', 'entity_category', 'enabled_by_default', 'icon', 'json_attributes_topic', 'json_attributes_template', 'qos', 'encoding', 'entity_picture', 'visible_by_default', 'message_expiry_interval', 'device_class'];
const PLATFORM_KEYS: Record<string, string[]> = {
  sensor: ['state_topic', 'value_template', 'state_class', 'unit_of_measurement', 'expire_after', 'suggested_display_precision', 'force_update', 'options', 'last_reset_value_template'],
  binary_sensor: ['state_topic', 'value_template', 'payload_on', 'payload_off', 'off_delay', 'expire_after', 'force_update'],
  switch: ['command_topic', 'state_topic', 'payload_on', 'payload_off', 'state_on', 'state_off', 'value_template', 'retain', 'optimistic'],
  number: ['command_topic', 'state_topic', 'min', 'max', 'step', 'mode', 'unit_of_measurement', 'command_template', 'value_template', 'payload_reset', 'retain', 'optimistic'],
  button: ['command_topic', 'payload_press', 'command_template', 'retain'],
  select: ['command_topic', 'options', 'state_topic', 'value_template', 'command_template', 'retain', 'optimistic'],
  climate: [
    'action_template', 'action_topic', 'current_humidity_template', 'current_humidity_topic', 'current_temperature_template', 'current_temperature_topic',
    'fan_mode_command_template', 'fan_mode_command_topic', 'fan_mode_state_template', 'fan_mode_state_topic', 'fan_modes', 'initial', 'max_humidity', 'max_temp',
    'min_humidity', 'min_temp', 'mode_command_template', 'mode_command_topic', 'mode_state_template', 'mode_state_topic', 'modes', 'optimistic', 'payload_off',
    'payload_on', 'power_command_template', 'power_command_topic', 'precision', 'preset_mode_command_template', 'preset_mode_command_topic', 'preset_mode_state_topic',
    'preset_mode_value_template', 'preset_modes', 'retain', 'swing_mode_command_template', 'swing_mode_command_topic', 'swing_mode_state_template', 'swing_mode_state_topic',
    'swing_modes', 'target_humidity_command_template', 'target_humidity_command_topic', 'target_humidity_state_template', 'target_humidity_state_topic', 'temperature_command_template',
    'temperature_command_topic', 'temperature_high_command_template', 'temperature_high_command_topic', 'temperature_high_state_template', 'temperature_high_state_topic',
    'temperature_low_command_template', 'temperature_low_command_topic', 'temperature_low_state_template', 'temperature_low_state_topic', 'temperature_state_template',
    'temperature_state_topic', 'temperature_unit', 'temp_step', 'value_template',
  ],
};
/** climate.mqtt: the documented `modes` values. */
const CLIMATE_MODES = new Set(['auto', 'off', 'cool', 'heat', 'dry', 'fan_only', 'heat_cool']);
const REQUIRED: Record<string, string[]> = {
  sensor: ['state_topic'],
  binary_sensor: ['state_topic'],
  switch: ['command_topic'],
  number: ['command_topic'],
  button: ['command_topic'],
  select: ['command_topic', 'options'],
};

/** §5 `DEVICE_CLASS_UNITS` (exact strings) and allowed state classes; `null` = no unit allowed. */
const SENSOR_CLASSES: Record<string, { units: string[] | null; stateClasses: string[] }> = {
  temperature: { units: ['°C', '°F', 'K'], stateClasses: ['measurement'] },
  humidity: { units: ['%'], stateClasses: ['measurement'] },
  moisture: { units: ['%'], stateClasses: ['measurement'] },
  battery: { units: ['%'], stateClasses: ['measurement'] },
  pressure: { units: ['Pa', 'hPa', 'kPa', 'bar', 'cbar', 'mbar', 'mmHg', 'inHg', 'psi', 'mPa', 'inH₂O'], stateClasses: ['measurement'] },
  atmospheric_pressure: { units: ['Pa', 'hPa', 'kPa', 'bar', 'cbar', 'mbar', 'mmHg', 'inHg', 'psi', 'mPa', 'inH₂O'], stateClasses: ['measurement'] },
  illuminance: { units: ['lx'], stateClasses: ['measurement'] },
  duration: { units: ['d', 'h', 'min', 's', 'ms', 'μs'], stateClasses: ['measurement', 'total', 'total_increasing'] },
  voltage: { units: ['V', 'mV', 'μV', 'kV', 'MV'], stateClasses: ['measurement'] },
  current: { units: ['A', 'mA'], stateClasses: ['measurement'] },
  signal_strength: { units: ['dB', 'dBm'], stateClasses: ['measurement'] },
  timestamp: { units: null, stateClasses: [] },
  date: { units: null, stateClasses: [] },
  enum: { units: null, stateClasses: [] },
};
const STATE_CLASSES = new Set(['measurement', 'measurement_angle', 'total', 'total_increasing']);
const BINARY_CLASSES = new Set(['battery', 'battery_charging', 'carbon_monoxide', 'cold', 'connectivity', 'door', 'garage_door', 'gas', 'heat', 'light', 'lock', 'moisture', 'motion', 'moving', 'occupancy', 'opening', 'plug', 'power', 'presence', 'problem', 'running', 'safety', 'smoke', 'sound', 'tamper', 'update', 'vibration', 'window']);
const NUMBER_CLASSES = new Set(Object.keys(SENSOR_CLASSES).filter((c) => !['timestamp', 'date', 'enum'].includes(c)));

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KEY_RE = /^[A-Za-z0-9_-]+$/;

export interface CheckOptions {
  prefix: string;
  /** The controller's LWT/birth payloads (rule 10). */
  online: string;
  offline: string;
}

/** Checks one discovery message (rules 1-16). */
export function checkDiscovery(topic: string, text: string, o: CheckOptions): string[] {
  const errs: string[] = [];
  const e = (m: string): void => void errs.push(`${topic}: ${m}`);
  const m = new RegExp(`^${o.prefix}/(\\w+)/(?:([a-zA-Z0-9_-]+)/)?([a-zA-Z0-9_-]+)/config$`).exec(topic);
  if (!m) e('illegal discovery topic');
  else if (m[1] !== 'device' && !SUPPORTED.has(m[1])) e(`unsupported component ${m[1]}`);
  if (text === '') return errs;
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    e('not JSON');
    return errs;
  }
  if (!isObj(p)) return [...errs, `${topic}: not a JSON object`];
  for (const k of Object.keys(p)) if (!ROOT_KEYS.has(k)) e(`extra key at the device-payload root: ${k}`);
  const device = p.device ?? p.dev;
  const origin = p.origin ?? p.o;
  const comps = p.components ?? p.cmps;
  if (!isObj(device)) e('device missing');
  else {
    for (const k of Object.keys(device)) if (!DEVICE_KEYS.has(k)) e(`extra key in device: ${k}`);
    const ids = device.identifiers ?? device.ids;
    const idList = Array.isArray(ids) ? ids : typeof ids === 'string' ? [ids] : [];
    const cns = device.connections ?? device.cns;
    if (idList.length === 0 && !(Array.isArray(cns) && cns.length > 0)) e('device has no identifiers or connections');
    if (typeof device.name !== 'string' || device.name === '') e('device has no name');
  }
  if (!isObj(origin)) e('origin missing');
  else {
    for (const k of Object.keys(origin)) if (!ORIGIN_KEYS.has(k)) e(`extra key in origin: ${k}`);
    if (typeof origin.name !== 'string') e('origin has no name');
  }
  if (!isObj(comps)) return [...errs, `${topic}: components missing`];
  for (const [key, c] of Object.entries(comps)) errs.push(...checkComponent(`${topic} [${key}]`, key, c, o));
  return errs;
}

function checkComponent(where: string, key: string, c: unknown, o: CheckOptions): string[] {
  const errs: string[] = [];
  const e = (m: string): void => void errs.push(`${where}: ${m}`);
  if (!KEY_RE.test(key)) e('component key outside [A-Za-z0-9_-]');
  if (!isObj(c)) return [`${where}: not an object`];
  const platform = c.platform ?? c.p;
  if (typeof platform !== 'string' || !SUPPORTED.has(platform)) return [`${where}: unsupported or missing platform ${String(platform)}`];
  if (Object.keys(c).length === 1) return errs; // `{ platform }` = removal marker
  const allowed = new Set([...COMMON, ...(PLATFORM_KEYS[platform] ?? [])]);
  for (const k of Object.keys(c)) if (!allowed.has(k)) e(`key "${k}" is not in the ${platform} schema (HA drops it silently)`);
  if (typeof c.unique_id !== 'string' || c.unique_id === '') e('unique_id missing');
  if (typeof c.default_entity_id === 'string' && !c.default_entity_id.startsWith(`${platform}.`)) e(`default_entity_id must start with "${platform}."`);
  for (const r of REQUIRED[platform] ?? []) if (c[r] === undefined) e(`required key ${r} missing`);
  // Rule 9: topics.
  for (const [k, v] of Object.entries(c)) {
    if (!k.endsWith('_topic')) continue;
    // eslint-disable-next-line no-control-regex
    if (typeof v !== 'string' || v === '' || /[\u0000-\u001f]/.test(v)) e(`${k} is empty or has control characters`);
    else if (k.endsWith('command_topic') && /[+#]/.test(v)) e(`${k} has a wildcard`);
  }
  // Rule 10 + project rule: availability on every entity, matching the controller's LWT/birth.
  if (c.availability !== undefined && c.availability_topic !== undefined) e('both availability and availability_topic');
  if (!Array.isArray(c.availability) || c.availability.length === 0) e('no availability');
  else
    for (const a of c.availability as unknown[]) {
      if (!isObj(a) || typeof a.topic !== 'string') e('availability entry without topic');
      else if ((a.payload_available ?? 'online') !== o.online || (a.payload_not_available ?? 'offline') !== o.offline) e('availability payloads differ from the LWT/birth');
    }
  if (c.qos !== undefined && ![0, 1, 2].includes(c.qos as number)) e('qos not 0, 1 or 2');
  if (c.entity_category !== undefined && !['config', 'diagnostic'].includes(c.entity_category as string)) e('bad entity_category');
  if (c.entity_category === 'config' && (platform === 'sensor' || platform === 'binary_sensor')) e('entity_category config on a sensor');
  if (c.icon !== undefined && !/^[a-z0-9-]+:[a-z0-9-]+$/.test(String(c.icon))) e('icon not prefix:name');
  if (c.retain === true) e('retain true on a command topic');
  if ('object_id' in c) e('object_id is ignored since 2026.4: use default_entity_id');

  const dc = c.device_class as string | undefined;
  const unit = c.unit_of_measurement as string | undefined;
  const sc = c.state_class as string | undefined;
  if (platform === 'sensor' || platform === 'number') {
    if (sc !== undefined && !STATE_CLASSES.has(sc)) e(`unknown state_class ${sc}`);
    if (dc !== undefined) {
      const spec = SENSOR_CLASSES[dc];
      if (!spec || (platform === 'number' && !NUMBER_CLASSES.has(dc))) e(`unknown device_class ${dc}`);
      else {
        if (spec.units === null && unit !== undefined) e(`device_class ${dc} takes no unit`);
        if (spec.units !== null && (unit === undefined || !spec.units.includes(unit))) e(`unit "${unit}" does not match device_class ${dc} (${spec.units.join(', ')})`);
        if (sc !== undefined && !spec.stateClasses.includes(sc)) e(`state_class ${sc} not allowed for ${dc}`);
      }
    }
    if (c.options !== undefined && dc !== 'enum' && platform === 'sensor') e('options without device_class enum');
    if (dc === 'enum' && (!Array.isArray(c.options) || c.options.length === 0)) e('enum without options');
  }
  if (platform === 'binary_sensor' && dc !== undefined && !BINARY_CLASSES.has(dc)) e(`unknown binary_sensor device_class ${dc}`);
  if (platform === 'switch' && dc !== undefined && !['outlet', 'switch'].includes(dc)) e(`bad switch device_class ${dc}`);
  if (platform === 'button' && dc !== undefined && !['identify', 'restart', 'update'].includes(dc)) e(`bad button device_class ${dc}`);
  // expire_after: sensor and binary_sensor only (a positive integer of seconds; 0 = never).
  if (c.expire_after !== undefined && (!Number.isInteger(c.expire_after) || (c.expire_after as number) < 0)) e('expire_after must be a non-negative integer (s)');
  if (platform === 'climate') {
    if (c.device_class !== undefined) e('climate takes no device_class');
    if (c.modes !== undefined && (!Array.isArray(c.modes) || c.modes.length === 0 || !c.modes.every((x) => CLIMATE_MODES.has(x as string)))) e(`climate modes must be a non-empty subset of ${[...CLIMATE_MODES].join(', ')}`);
    if (c.precision !== undefined && ![0.1, 0.5, 1].includes(c.precision as number)) e('climate precision must be 0.1, 0.5 or 1.0');
    if (c.temperature_unit !== undefined && !['C', 'F'].includes(c.temperature_unit as string)) e('climate temperature_unit must be C or F');
    if (c.min_temp !== undefined && c.max_temp !== undefined && !((c.min_temp as number) < (c.max_temp as number))) e('climate min_temp must be below max_temp');
    if (c.temp_step !== undefined && !((c.temp_step as number) > 0)) e('climate temp_step must be positive');
    if (c.temperature_command_topic === undefined && c.temperature_state_topic === undefined && c.current_temperature_topic === undefined) e('climate without any temperature topic');
    if (c.mode_command_template !== undefined && c.mode_command_topic === undefined) e('mode_command_template without mode_command_topic');
  }
  if (platform === 'switch' && c.state_topic === undefined && c.optimistic === false) e('switch without state_topic cannot be non-optimistic');
  if (platform === 'number' && c.mode !== undefined && !['auto', 'box', 'slider'].includes(c.mode as string)) e('number mode must be auto, box or slider');
  if (platform === 'button' && c.payload_press !== undefined && typeof c.payload_press !== 'string') e('button payload_press must be a string');
  if (platform === 'sensor' && c.state_class !== undefined && c.device_class !== undefined && ['timestamp', 'date', 'enum'].includes(c.device_class as string)) e('state_class on a non-numeric sensor');
  if (platform === 'select' && (!Array.isArray(c.options) || c.options.length === 0 || !c.options.every((x) => typeof x === 'string'))) e('select options must be a non-empty list of strings');
  if (platform === 'number') {
    if (typeof c.min !== 'number' || typeof c.max !== 'number' || typeof c.step !== 'number') e('number without explicit min, max and step');
    else {
      if (c.min > c.max) e('max must be >= min');
      if (c.step < 0.001) e('step below 0.001');
    }
  }
  return errs;
}

/**
 * Checks a whole set (rules 8 and 17 across messages): unique_id unique, device identifiers unique
 * per device, `via_device` pointing at a device of the set, at most one `name: null` per device.
 */
export function checkDiscoverySet(messages: Array<{ topic: string; payload: string }>, o: CheckOptions): string[] {
  const errs: string[] = [];
  const uids = new Map<string, string>();
  const identifiers = new Map<string, string>();
  const vias: Array<[string, string]> = [];
  for (const { topic, payload } of messages) {
    errs.push(...checkDiscovery(topic, payload, o));
    if (payload === '') continue;
    const p = JSON.parse(payload) as { device: { identifiers: string[]; via_device?: string }; components: Record<string, Record<string, unknown>> };
    for (const id of p.device.identifiers) {
      if (identifiers.has(id)) errs.push(`${topic}: device identifier ${id} also used by ${identifiers.get(id)}`);
      identifiers.set(id, topic);
    }
    if (p.device.via_device) vias.push([topic, p.device.via_device]);
    let nullNames = 0;
    for (const [key, c] of Object.entries(p.components)) {
      if (c.name === null) nullNames++;
      const uid = c.unique_id as string | undefined;
      if (!uid) continue;
      if (uids.has(uid)) errs.push(`${topic} [${key}]: unique_id ${uid} duplicates ${uids.get(uid)}`);
      uids.set(uid, `${topic} [${key}]`);
    }
    if (nullNames > 1) errs.push(`${topic}: more than one entity with name null`);
  }
  for (const [topic, via] of vias) if (!identifiers.has(via)) errs.push(`${topic}: via_device ${via} is not a published device`);
  return errs;
}
