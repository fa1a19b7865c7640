import { describe, expect, it } from 'vitest';
import { guardEnclosure, initialGuardState } from '../../../src/control/guard.js';
import { context, enclosure, measurements, plan } from './fixtures.js';

const misting = plan({ mister: 'below humidity range', fan: true });

describe('water-level interlock', () => {
  it.each([
    [false, true, []],
    [true, false, ['water-low']],
    [undefined, false, ['water-low']],
  ] as const)('float switch low=%s -> mister on: %s', (waterLow, misterOn, faults) => {
    const r = guardEnclosure(enclosure(), measurements({ air: 27.8, probe: 27 }), misting, initialGuardState(), context(0, {}, { waterLow }));
    expect(r.outputs.mister.on).toBe(misterOn);
    expect(r.outputs.fan.on).toBe(true);
    expect(r.faults.map((f) => f.kind)).toEqual(faults);
  });

  it('says whether the reservoir is empty or the switch could not be read', () => {
    const empty = guardEnclosure(enclosure(), measurements({ air: 27.8, probe: 27 }), misting, initialGuardState(), context(0, {}, { waterLow: true }));
    const unknown = guardEnclosure(enclosure(), measurements({ air: 27.8, probe: 27 }), misting, initialGuardState(), context(0, {}, { waterLow: undefined }));
    expect(empty.outputs.mister.reason).toBe('water interlock: reservoir empty');
    expect(unknown.outputs.mister.reason).toBe('water interlock: water level unknown (float switch not read)');
  });

  it('covers foggers as well as misters', () => {
    const enc = enclosure({ actuators: [{ id: 'fog', kind: 'fogger', output: { type: 'gpio', pin: 22 } }] });
    const r = guardEnclosure(enc, measurements({ air: 27.8, probe: 27 }), plan({ fog: true }), initialGuardState(), context(0, {}, { waterLow: true }));
    expect(r.outputs.fog.on).toBe(false);
  });

  it('does not restrict a mister when no float switch is configured', () => {
    const enc = enclosure({ waterLevel: undefined });
    const r = guardEnclosure(enc, measurements({ air: 27.8, probe: 27 }), misting, initialGuardState(), context(0, {}, { waterLow: undefined }));
    expect(r.outputs.mister.on).toBe(true);
    expect(r.faults).toEqual([]);
  });
});
