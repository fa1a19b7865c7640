import type { ActuatorConfig, HeaterConfig, LightConfig, MisterConfig } from '../../src/config/enclosure-schema.js';
import { UnknownSimActuatorError } from './errors.js';
import { HEATER_TYPES } from './heater-types.js';
import { LIGHT_DEFAULT_HEAT_FRACTION, LIGHT_DEFAULT_POWER_W } from './materials.js';

/** A heater failure the simulator can inject: `dead` gives no heat when on; `stuck-on` heats whatever the relay says. */
export type HeaterFault = 'dead' | 'stuck-on';

/**
 * Share of a mister's water that evaporates before landing: ~10 % for a pressure nozzle's
 * 50-100 µm droplets, ~90 % for an ultrasonic fogger's 1-5 µm droplets (estimates); the rest wets
 * the decor and glass and evaporates from there.
 */
const IN_FLIGHT = { mister: 0.1, fogger: 0.9 } as const;

const NO_FAULT = 0;
const DEAD = 1;
const STUCK_ON = 2;

type Slot = { kind: 'heater' | 'mister' | 'fan' | 'light' | 'cutoff' | 'feeder'; i: number };

/**
 * The physical outputs of one enclosure as the model sees them: what each relay/PWM channel does
 * now, the heaters' element parameters and temperatures, and injected heater faults. Typed arrays
 * indexed per kind, so the physics step reads them without allocation or map lookups. Outputs start
 * in their configured `startupState`.
 */
export class ActuatorBank {
  readonly heaterIds: string[];
  /** Electrical power, W; element conductance to the air, W/K; element heat capacity, J/K. */
  readonly heaterPower: Float64Array;
  readonly heaterCond: Float64Array;
  readonly heaterCap: Float64Array;
  /** Per heater: shares of its output to air, surface, substrate (3 entries each). */
  readonly heaterShares: Float64Array;
  /** Element temperature, °C (state, integrated by the physics). */
  readonly heaterTemp: Float64Array;
  /**
   * Per heater, its own surface node (see `heater-types.ts`): temperature, °C (state); heat
   * capacity, J/K; conductance to the basking surface, W/K.
   */
  readonly heaterSurfTemp: Float64Array;
  readonly heaterSurfCap: Float64Array;
  readonly heaterSurfCond: Float64Array;
  /** Heat each light gives the air at full level, W (`powerW` x `heatFraction`). */
  readonly lightHeatW: Float64Array;
  readonly misterFlow: Float64Array;
  readonly misterInFlight: Float64Array;
  readonly misterLevel: Float64Array;
  readonly fanOn: Uint8Array;
  readonly lightLevel: Float64Array;
  private readonly heaterOn: Uint8Array;
  private readonly heaterFault: Uint8Array;
  private readonly cutoffOn: Uint8Array;
  private readonly index = new Map<string, Slot>();

  /** @param initialC start temperature of the heater elements, °C */
  constructor(
    private readonly enclosureId: string,
    actuators: readonly ActuatorConfig[],
    initialC: number,
  ) {
    const heaters = actuators.filter((a): a is HeaterConfig => a.kind === 'heater');
    const misters = actuators.filter((a): a is MisterConfig => a.kind === 'mister' || a.kind === 'fogger');
    const fans = actuators.filter((a) => a.kind === 'fan');
    const lights = actuators.filter((a): a is LightConfig => a.kind === 'light');
    const cutoffs = actuators.filter((a) => a.kind === 'cutoff');
    const on = (a: ActuatorConfig): number => (a.startupState === 'on' ? 1 : 0);
    this.heaterIds = heaters.map((h) => h.id);
    this.heaterPower = new Float64Array(heaters.map((h) => h.powerW));
    this.heaterCond = new Float64Array(heaters.map((h) => h.powerW / HEATER_TYPES[h.heaterType].ratedRiseK));
    this.heaterCap = new Float64Array(heaters.map((h) => (h.powerW / HEATER_TYPES[h.heaterType].ratedRiseK) * HEATER_TYPES[h.heaterType].timeConstantS));
    this.heaterShares = new Float64Array(heaters.flatMap((h) => [HEATER_TYPES[h.heaterType].toAir, HEATER_TYPES[h.heaterType].toSurface, HEATER_TYPES[h.heaterType].toSubstrate]));
    this.heaterTemp = new Float64Array(heaters.length).fill(initialC);
    this.heaterSurfTemp = new Float64Array(heaters.length).fill(initialC);
    // G = P·share/rise (so full power settles `surfaceRiseK` above the basking surface), C = G·τ.
    this.heaterSurfCond = new Float64Array(heaters.map((h) => (h.powerW * HEATER_TYPES[h.heaterType].toSurface) / HEATER_TYPES[h.heaterType].surfaceRiseK));
    this.heaterSurfCap = new Float64Array(heaters.map((h, i) => this.heaterSurfCond[i] * (h.surfaceLagSeconds ?? HEATER_TYPES[h.heaterType].surfaceLagS)));
    this.lightHeatW = new Float64Array(lights.map((l) => (l.powerW ?? LIGHT_DEFAULT_POWER_W) * (l.heatFraction ?? LIGHT_DEFAULT_HEAT_FRACTION)));
    this.heaterOn = new Uint8Array(heaters.map(on));
    this.heaterFault = new Uint8Array(heaters.length);
    this.misterFlow = new Float64Array(misters.map((m) => m.flowGramsPerSecond));
    this.misterInFlight = new Float64Array(misters.map((m) => IN_FLIGHT[m.kind]));
    this.misterLevel = new Float64Array(misters.map(on));
    this.fanOn = new Uint8Array(fans.map(on));
    this.lightLevel = new Float64Array(lights.map(on));
    this.cutoffOn = new Uint8Array(cutoffs.map(on));
    const slots: [readonly ActuatorConfig[], Slot['kind']][] = [
      [heaters, 'heater'],
      [misters, 'mister'],
      [fans, 'fan'],
      [lights, 'light'],
      [cutoffs, 'cutoff'],
      [actuators.filter((a) => a.kind === 'feeder'), 'feeder'],
    ];
    for (const [list, kind] of slots) list.forEach((a, i) => this.index.set(a.id, { kind, i }));
  }

  /** Sets an output; `level` 0..1 for dimmable lights (default 1 when on). @throws UnknownSimActuatorError */
  set(actuatorId: string, on: boolean, level?: number): void {
    const a = this.slot(actuatorId, 'actuator');
    const bit = on ? 1 : 0;
    if (a.kind === 'heater') this.heaterOn[a.i] = bit;
    else if (a.kind === 'mister') this.misterLevel[a.i] = bit;
    else if (a.kind === 'fan') this.fanOn[a.i] = bit;
    else if (a.kind === 'light') this.lightLevel[a.i] = on ? Math.min(1, Math.max(0, level ?? 1)) : 0;
    else if (a.kind === 'cutoff') this.cutoffOn[a.i] = bit;
  }

  /** Injects or clears (`null`) a heater fault. @throws UnknownSimActuatorError if not a heater */
  setHeaterFault(actuatorId: string, fault: HeaterFault | null): void {
    this.heaterFault[this.heaterIndex(actuatorId)] = fault === 'dead' ? DEAD : fault === 'stuck-on' ? STUCK_ON : NO_FAULT;
  }

  /** Index of a heater in the heater arrays. @throws UnknownSimActuatorError if not a heater */
  heaterIndex(actuatorId: string): number {
    const a = this.slot(actuatorId, 'heater');
    if (a.kind !== 'heater') throw new UnknownSimActuatorError(this.enclosureId, actuatorId, 'heater', this.heaterIds);
    return a.i;
  }

  /** Whether heater `i`'s element gets power: every cutoff closed, and relay on and not dead, or stuck on. */
  heaterPowered(i: number): boolean {
    for (let c = 0; c < this.cutoffOn.length; c++) if (!this.cutoffOn[c]) return false;
    const fault = this.heaterFault[i];
    return fault === STUCK_ON || (fault === NO_FAULT && this.heaterOn[i] === 1);
  }

  private slot(actuatorId: string, expected: string): Slot {
    const a = this.index.get(actuatorId);
    if (!a) throw new UnknownSimActuatorError(this.enclosureId, actuatorId, expected, expected === 'heater' ? this.heaterIds : [...this.index.keys()]);
    return a;
  }
}
