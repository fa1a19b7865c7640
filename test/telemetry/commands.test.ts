import { describe, expect, it } from 'vitest';
import type { EnclosureConfig } from '../../src/config/load.js';
import { type Command, parseCommand, setpointBounds } from '../../src/telemetry/commands.js';
import { geckoEnclosure, smallEnclosure, testConfig } from './support/fixtures.js';

const cfg = testConfig({ url: 'mqtt://127.0.0.1:1883' }, [geckoEnclosure(), smallEnclosure()]);
const enclosures = new Map<string, EnclosureConfig>(cfg.enclosures.map((e) => [e.id, e]));
const parse = (enc: string, path: string, payload: string) => parseCommand(enc, path.split('/'), Buffer.from(payload), enclosures, 120);

describe('setpoint override bounds', () => {
  it('are 17..33 °C for the leopard gecko (day 28, night 22, safety 16..36, hysteresis 1)', () => {
    expect(setpointBounds(cfg.enclosures[0].climate)).toEqual({ minC: 17, maxC: 33 });
  });

  it('keep 0.5 °C clear of the safety limits when those are tighter than the margin', () => {
    const climate = { ...cfg.enclosures[0].climate, safety: { minC: 20, maxC: 30, maxHumidityPct: 70 } };
    expect(setpointBounds(climate)).toEqual({ minC: 21, maxC: 29 });
  });
});

describe('parseCommand accepts', () => {
  it.each<[string, string, string, Command]>([
    ['gecko', 'mode', 'manual', { kind: 'mode', enclosureId: 'gecko', mode: 'manual' }],
    ['gecko', 'mode', '{"mode":"auto","id":"r1"}', { kind: 'mode', enclosureId: 'gecko', mode: 'auto', id: 'r1' }],
    ['gecko', 'setpoint', '27.5', { kind: 'setpoint', enclosureId: 'gecko', valueC: 27.5, durationMinutes: 120 }],
    ['gecko', 'setpoint', '{"valueC":17,"durationMinutes":30,"id":7}', { kind: 'setpoint', enclosureId: 'gecko', valueC: 17, durationMinutes: 30, id: '7' }],
    ['gecko', 'setpoint', '33', { kind: 'setpoint', enclosureId: 'gecko', valueC: 33, durationMinutes: 120 }],
    ['gecko', 'setpoint/clear', 'PRESS', { kind: 'clear-setpoint', enclosureId: 'gecko' }],
    ['gecko', 'output/heater', 'ON', { kind: 'output', enclosureId: 'gecko', actuatorId: 'heater', on: true }],
    ['gecko', 'output/mister', '{"on":false,"id":"x"}', { kind: 'output', enclosureId: 'gecko', actuatorId: 'mister', on: false, id: 'x' }],
    ['hatchlings', 'output/heat-mat', 'off', { kind: 'output', enclosureId: 'hatchlings', actuatorId: 'heat-mat', on: false }],
    ['gecko', 'feed', 'PRESS', { kind: 'feed', enclosureId: 'gecko' }],
    ['gecko', 'feed', '{"id":"f1"}', { kind: 'feed', enclosureId: 'gecko', id: 'f1' }],
    ['gecko', 'acknowledge', 'press', { kind: 'acknowledge', enclosureId: 'gecko' }],
  ])('%s %s %s', (enc, path, payload, expected) => {
    const r = parse(enc, path, payload);
    expect(r).toEqual({ ok: true, command: JSON.parse(JSON.stringify(expected)) });
  });
});

describe('parseCommand rejects', () => {
  it.each<[string, string, string, RegExp]>([
    ['gecko', 'mode', 'turbo', /mode must be "auto" or "manual"/],
    ['gecko', 'mode', '{"mode":"auto","extra":1}', /Unrecognized key.*extra/i],
    ['gecko', 'mode', '{"mode":', /malformed JSON/],
    ['gecko', 'setpoint', '50', /setpoint 50 °C is outside 17..33 °C/],
    ['gecko', 'setpoint', '16.5', /outside 17..33/],
    ['gecko', 'setpoint', 'NaN', /setpoint must be a number/],
    ['gecko', 'setpoint', '1e3', /setpoint must be a number/],
    ['gecko', 'setpoint', '{"valueC":"28"}', /valueC/],
    ['gecko', 'setpoint', '{"valueC":28,"durationMinutes":0}', /durationMinutes/],
    ['gecko', 'setpoint', '{"valueC":28,"durationMinutes":2000}', /durationMinutes/],
    ['gecko', 'output/heater', 'MAYBE', /ON or OFF/],
    ['gecko', 'output/heater', '{"on":"yes"}', /on:/],
    ['gecko', 'output/nosuch', 'ON', /unknown actuator "nosuch".*switchable: heater, lights, mister/],
    ['gecko', 'output/feeder', 'ON', /is a feeder: use cmd\/feed/],
    ['gecko', 'output/cutoff', 'ON', /safety interlocks only/],
    ['hatchlings', 'feed', 'PRESS', /has no feeder/],
    ['gecko', 'feed', 'now please', /expected PRESS/],
    ['gecko', 'feed', '', /expected PRESS/],
    ['nosuch', 'mode', 'auto', /unknown enclosure "nosuch" \(configured: gecko, hatchlings\)/],
    ['gecko', 'launch', 'PRESS', /unknown command "launch"/],
    ['gecko', 'output', 'ON', /unknown command "output"/],
    ['gecko', 'mode', `{"mode":"auto","pad":"${'x'.repeat(1100)}"}`, /payload too large/],
  ])('%s %s %s', (enc, path, payload, reason) => {
    const r = parse(enc, path, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(reason);
      expect(r.enclosureId).toBe(enc);
      expect(r.command).toBe(path);
    }
  });

  it('keeps the correlation id of a command it rejects', () => {
    const r = parse('gecko', 'setpoint', '{"valueC":99,"id":"req-42"}');
    expect(r).toMatchObject({ ok: false, id: 'req-42' });
  });
});
