import { describe, expect, it } from 'vitest';
import { buildDiscovery, type DiscoveryOptions } from '../../src/telemetry/discovery.js';
import { indexOf, parseIndex, retract } from '../../src/telemetry/discovery-index.js';
import { statePayload } from '../../src/telemetry/payloads.js';
import { TopicTree } from '../../src/telemetry/topics.js';
import { T0, geckoEnclosure, smallEnclosure, snapshot, testConfig } from './support/fixtures.js';
import { type CheckOptions, checkDiscovery, checkDiscoverySet } from './support/ha-checker.js';

const MQTT = { url: 'mqtt://127.0.0.1:1883' };
const CHECK: CheckOptions = { prefix: 'homeassistant', online: 'online', offline: 'offline' };
const topics = new TopicTree('terrarium', 'terra01', 'homeassistant');

function discovery(commandsEnabled = true, enclosures = [geckoEnclosure(), smallEnclosure()], extra: Partial<DiscoveryOptions> = { expireAfterSeconds: 180 }) {
  return buildDiscovery(testConfig(MQTT, enclosures), topics, { swVersion: '0.1.0', commandsEnabled, ...extra });
}

const asWire = (msgs: ReturnType<typeof discovery>) => msgs.map((m) => ({ topic: m.topic, payload: JSON.stringify(m.payload) }));

describe('Home Assistant discovery payloads', () => {
  it('pass every rule of the documented schema, with commands on and off', () => {
    expect(checkDiscoverySet(asWire(discovery(true)), CHECK)).toEqual([]);
    expect(checkDiscoverySet(asWire(discovery(false)), CHECK)).toEqual([]);
  });

  it('publish one device for the controller and one per enclosure, linked with via_device', () => {
    const msgs = discovery();
    expect(msgs.map((m) => m.topic)).toEqual(['homeassistant/device/terra01/config', 'homeassistant/device/terra01_gecko/config', 'homeassistant/device/terra01_hatchlings/config']);
    expect(msgs[0].payload.device.identifiers).toEqual(['terrarium_terra01']);
    expect(msgs[1].payload.device).toMatchObject({ identifiers: ['terrarium_terra01_gecko'], name: 'Leopard gecko', via_device: 'terrarium_terra01' });
    expect(msgs[2].payload.device.via_device).toBe('terrarium_terra01');
  });

  it('use units Home Assistant accepts for each device class', () => {
    const c = discovery()[1].payload.components;
    expect([c.temperature.device_class, c.temperature.unit_of_measurement, c.temperature.state_class]).toEqual(['temperature', '°C', 'measurement']);
    expect([c.humidity.device_class, c.humidity.unit_of_measurement]).toEqual(['humidity', '%']);
    expect([c.pressure.device_class, c.pressure.unit_of_measurement]).toEqual(['atmospheric_pressure', 'Pa']);
    expect([c.setpoint_override.unit_of_measurement, c.setpoint_override.device_class]).toEqual(['°C', 'temperature']);
  });

  it('keep unique ids stable (golden list for the gecko enclosure)', () => {
    const uids = Object.values(discovery()[1].payload.components).map((c) => c.unique_id);
    expect(uids).toEqual([
      'terra01_gecko_temperature',
      'terra01_gecko_humidity',
      'terra01_gecko_pressure',
      'terra01_gecko_setpoint',
      'terra01_gecko_mode',
      'terra01_gecko_phase',
      'terra01_gecko_light_level',
      'terra01_gecko_fault',
      'terra01_gecko_latched_fault',
      'terra01_gecko_health',
      'terra01_gecko_last_fed',
      'terra01_gecko_last_command',
      'terra01_gecko_thermostat',
      'terra01_gecko_actuator_heater',
      'terra01_gecko_actuator_lights',
      'terra01_gecko_actuator_mister',
      'terra01_gecko_actuator_cutoff',
      'terra01_gecko_control_mode',
      'terra01_gecko_setpoint_override',
      'terra01_gecko_resume_schedule',
      'terra01_gecko_acknowledge',
      'terra01_gecko_feed',
    ]);
  });

  it('use default_entity_id, never object_id, and an entity-id-safe slug', () => {
    const c = discovery(true, [smallEnclosure()])[1].payload.components;
    expect(c['actuator_heat-mat'].default_entity_id).toBe('switch.terra01_hatchlings_actuator_heat_mat');
    for (const comp of Object.values(c)) expect(comp).not.toHaveProperty('object_id');
  });

  it('bound the setpoint number by the profile: 17..33 °C for the leopard gecko', () => {
    const n = discovery()[1].payload.components.setpoint_override;
    expect([n.min, n.max, n.step, n.mode]).toEqual([17, 33, 0.5, 'box']);
  });

  it('offer switches only for switchable outputs; the cutoff and feeder are never switches', () => {
    const c = discovery()[1].payload.components;
    expect(['heater', 'lights', 'mister'].map((id) => c[`actuator_${id}`].platform)).toEqual(['switch', 'switch', 'switch']);
    expect(c.actuator_cutoff).toMatchObject({ platform: 'binary_sensor', device_class: 'power' });
    expect(c.actuator_feeder).toBeUndefined();
    expect(c.feed).toMatchObject({ platform: 'button', command_topic: 'terrarium/terra01/gecko/cmd/feed', retain: false });
  });

  it('publish no command entities when commands are disabled', () => {
    const c = discovery(false)[1].payload.components;
    const platforms = new Set(Object.values(c).map((x) => x.platform));
    expect([...platforms].sort()).toEqual(['binary_sensor', 'climate', 'sensor']);
    expect(c.actuator_heater).toMatchObject({ platform: 'binary_sensor', device_class: 'running' });
    expect(Object.keys(c.thermostat).filter((k) => k.endsWith('command_topic') || k.endsWith('command_template'))).toEqual([]);
  });

  it('offer only the controls of the allowed command kinds', () => {
    const c = discovery(true, [geckoEnclosure()], { allowedCommands: new Set(['acknowledge']) })[1].payload.components;
    const commands = Object.entries(c).filter(([, x]) => Object.keys(x).some((k) => k.endsWith('command_topic')));
    expect(commands.map(([k]) => k)).toEqual(['acknowledge']);
  });

  it('give a thermostat card per heated enclosure: current and target temperature, action, auto/heat modes within the override bounds', () => {
    const c = discovery()[1].payload.components;
    expect(c.thermostat).toMatchObject({
      platform: 'climate',
      current_temperature_template: '{{ value_json.temperatureC }}',
      temperature_state_template: '{{ value_json.setpointC }}',
      temperature_command_topic: 'terrarium/terra01/gecko/cmd/setpoint',
      action_template: '{{ value_json.hvacAction }}',
      mode_command_topic: 'terrarium/terra01/gecko/cmd/mode',
      modes: ['auto', 'heat'],
      min_temp: c.setpoint_override.min,
      max_temp: c.setpoint_override.max,
    });
    expect(discovery()[2].payload.components.thermostat).toBeDefined();
  });

  it('let state-driven sensors expire after a few publish intervals, and nothing else', () => {
    const all = discovery().flatMap((m) => Object.values(m.payload.components));
    const expiring = all.filter((x) => x.expire_after !== undefined);
    expect(expiring.length).toBeGreaterThan(10);
    expect(expiring.every((x) => (x.platform === 'sensor' || x.platform === 'binary_sensor') && x.expire_after === 180)).toBe(true);
    // Health is republished only on change: it must not expire.
    expect(discovery()[0].payload.components.health.expire_after).toBeUndefined();
    expect(discovery()[1].payload.components.temperature.expire_after).toBe(180);
  });

  it('only reference state keys the state document has', () => {
    // The published document: the snapshot's fields plus the session's counter and last command.
    const state: Record<string, unknown> = { ...statePayload(snapshot(T0, 27.5)), seq: 0, lastCommand: null };
    for (const comp of Object.values(discovery()[1].payload.components)) {
      for (const tpl of Object.entries(comp).flatMap(([k, t]) => (k.endsWith('_template') && typeof t === 'string' && !k.includes('command') ? [t] : []))) {
        for (const [, key] of tpl.matchAll(/value_json\.([A-Za-z]+)/g)) expect(state, `${comp.unique_id}: ${key}`).toHaveProperty(key);
        for (const [, id] of tpl.matchAll(/value_json\.actuators\['([^']+)'\]/g)) expect(state.actuators, `${comp.unique_id}: ${id}`).toHaveProperty(id);
      }
    }
  });
});

describe('the discovery checker', () => {
  const good = discovery()[1];
  const mutate = (f: (p: Record<string, any>) => void): string => {
    const p = JSON.parse(JSON.stringify(good.payload)) as Record<string, any>;
    f(p);
    return JSON.stringify(p);
  };
  it.each([
    ['a unit that does not fit the device class', (p: Record<string, any>) => (p.components.humidity.unit_of_measurement = '%RH'), /does not match device_class humidity/],
    ['an entity without availability', (p: Record<string, any>) => delete p.components.temperature.availability, /no availability/],
    ['object_id', (p: Record<string, any>) => (p.components.temperature.object_id = 'x'), /object_id/],
    ['an extra key in device', (p: Record<string, any>) => (p.device.unique_id = 'x'), /extra key in device/],
    ['a root "~"', (p: Record<string, any>) => (p['~'] = 'terrarium'), /extra key at the device-payload root/],
    ['a retained command topic', (p: Record<string, any>) => (p.components.feed.retain = true), /retain true/],
    ['a wildcard in a command topic', (p: Record<string, any>) => (p.components.feed.command_topic = 'a/#'), /wildcard/],
    ['a sensor without state_topic', (p: Record<string, any>) => delete p.components.temperature.state_topic, /required key state_topic/],
    ['a number with min above max', (p: Record<string, any>) => (p.components.setpoint_override.min = 40), /max must be >= min/],
    ['a misspelt key', (p: Record<string, any>) => (p.components.temperature.status_topic = 'x'), /not in the sensor schema/],
    ['a climate mode Home Assistant does not know', (p: Record<string, any>) => (p.components.thermostat.modes = ['auto', 'manual']), /climate modes must be/],
    ['a climate precision of 0.25', (p: Record<string, any>) => (p.components.thermostat.precision = 0.25), /precision must be 0.1, 0.5 or 1.0/],
    ['a climate with min_temp above max_temp', (p: Record<string, any>) => (p.components.thermostat.min_temp = 40), /min_temp must be below max_temp/],
    ['expire_after on a switch', (p: Record<string, any>) => (p.components.actuator_heater.expire_after = 60), /not in the switch schema/],
    ['expire_after in minutes as text', (p: Record<string, any>) => (p.components.temperature.expire_after = '3m'), /expire_after must be a non-negative integer/],
    ['a number mode outside auto/box/slider', (p: Record<string, any>) => (p.components.setpoint_override.mode = 'dial'), /number mode must be/],
    ['a button press payload that is not text', (p: Record<string, any>) => (p.components.acknowledge.payload_press = 1), /payload_press must be a string/],
  ])('rejects %s', (_name, f, re) => {
    expect(checkDiscovery(good.topic, mutate(f), CHECK).join('\n')).toMatch(re);
  });

  it('rejects duplicate unique ids across devices', () => {
    const wire = asWire(discovery());
    const p = JSON.parse(wire[2].payload);
    p.components.temperature.unique_id = 'terra01_gecko_temperature';
    wire[2].payload = JSON.stringify(p);
    expect(checkDiscoverySet(wire, CHECK).join('\n')).toMatch(/duplicates/);
  });
});

describe('discovery removal', () => {
  it('clears the device topic of an enclosure that left the config', () => {
    const before = indexOf(discovery(true, [geckoEnclosure(), smallEnclosure()]));
    const r = retract(before, discovery(true, [geckoEnclosure()]));
    expect(r).toEqual({ messages: [{ topic: 'homeassistant/device/terra01_hatchlings/config', payload: '' }], republish: [] });
  });

  it('reduces removed components to their platform before republishing the device', () => {
    const before = indexOf(discovery(true));
    const after = discovery(false);
    const r = retract(before, after);
    expect(r.republish).toEqual(['homeassistant/device/terra01_gecko/config', 'homeassistant/device/terra01_hatchlings/config']);
    const gecko = JSON.parse(r.messages[0].payload);
    expect(gecko.components.control_mode).toEqual({ platform: 'select' });
    expect(gecko.components.feed).toEqual({ platform: 'button' });
    expect(gecko.components.temperature.platform).toBe('sensor');
    expect(checkDiscovery(r.messages[0].topic, r.messages[0].payload, CHECK)).toEqual([]);
  });

  it('removes nothing when the config is unchanged or no index is known', () => {
    const now = discovery();
    expect(retract(indexOf(now), now)).toEqual({ messages: [], republish: [] });
    expect(retract(null, now)).toEqual({ messages: [], republish: [] });
  });

  it('ignores an index that is not ours', () => {
    expect(parseIndex('not json')).toBeNull();
    expect(parseIndex('{"version":2,"devices":{}}')).toBeNull();
    expect(parseIndex(JSON.stringify(indexOf(discovery())))).toEqual(indexOf(discovery()));
  });
});
