import type { EnclosureConfig } from '../../src/config/load.js';
import { ActuatorBank, type HeaterFault } from './actuator-bank.js';
import { SimTimeReversedError } from './errors.js';
import { LocalTime } from './local-time.js';
import { AIR_RHO_CP_J_PER_M3K, lidOpenFlowM3PerS } from './materials.js';
import { type EnclosureParams, enclosureParams, stableStepMs } from './parameters.js';
import { LATENT_HEAT_J_PER_G, absoluteHumidityGPerM3, relativeHumidityPct, saturationDensityGPerM3, saturationDensitySlope } from './psychrometrics.js';
import type { RoomModel } from './room.js';

export type { HeaterFault } from './actuator-bank.js';

/** What the enclosure really is at an instant: the truth the simulated sensors sample. */
export interface PhysicsState {
  /** Enclosure air, °C. */
  airC: number;
  /** Basking/probe surface under the heaters, °C (what a DS18B20 lying there reads). */
  probeC: number;
  /** Air relative humidity, %RH (Magnus at the air temperature). */
  humidityPct: number;
  /** Barometric pressure, Pa (room pressure). */
  pressurePa: number;
  /** Heater element temperature by actuator id, °C. */
  heaterC: Record<string, number>;
  /** Temperature of the spot each heater warms (its own surface node, where its limit probe lies), by actuator id, °C. */
  heaterSurfaceC: Record<string, number>;
  /** Room air, °C, and %RH. */
  roomC: number;
  roomHumidityPct: number;
}

// Local aliases of imported bindings: some ESM-to-CJS loaders (tsx) turn every access to an
// imported binding into a getter call, which costs more than the whole step in the inner loop.
const LATENT = LATENT_HEAT_J_PER_G;
const RHO_CP = AIR_RHO_CP_J_PER_M3K;
const satDensity = saturationDensityGPerM3;
const satSlope = saturationDensitySlope;

/** Water film on wet surfaces, g/m² (0.1 mm): sets the wetted area a given amount of water covers. */
const FILM_G_PER_M2 = 100;
/** Time constant of wet surfaces draining into the substrate, s (estimate). */
const DRAIN_TIME_S = 3600;

/**
 * A change of the room around the enclosure (the `room` fault): to `toC`, or by `deltaC`, reached
 * linearly over `rampMs` from monotonic `startMs`.
 */
export interface RoomChange {
  deltaC?: number;
  toC?: number;
  rampMs: number;
  startMs: number;
}

/** Environment faults acting on the enclosure as a whole. */
export interface EnvironmentFaults {
  /** Room change, or null. */
  room: RoomChange | null;
  /** Extra heat into the air (sun through the glass), W. */
  sunW: number;
  /** Lid open: extra air exchange ({@link lidOpenFlowM3PerS}). */
  lidOpen: boolean;
}

/**
 * Deterministic lumped model of one enclosure (see `parameters.ts`, `materials.ts` and
 * `heater-types.ts` for every constant and its source):
 * - heat: nodes air (+ the share of the shell that follows it), substrate, basking/probe surface and one element
 *   per heater; losses to the room through shell, floor and air exchange (mesh, leakage, fan);
 *   each heater's output that lands on the floor first warms a surface node of its own (the spot
 *   its limit probe lies on), which passes it on to the basking surface; lights add `powerW` x
 *   `heatFraction`; sun on the glass adds its watts; an open lid adds a large air exchange;
 *   evaporation (misting's evaporative cooling) takes 2.45 kJ/g from the air, condensation gives it back;
 * - moisture: absolute humidity (g/m³) of the air; misters add droplets (partly evaporating in
 *   flight, the rest wetting surfaces that evaporate at the Chilton-Colburn rate and drain into the
 *   substrate); exchange with the room's air; a slow vapour buffer in the substrate;
 * - integration: explicit Euler with sub-steps of at most 1 s, and never more than half the
 *   fastest node time constant (so every step is stable and within a few % of exact); no
 *   allocation in a step, so a simulated second costs well under a microsecond.
 */
export class EnclosurePhysics {
  /** The derived lumped parameters (read-only, for diagnostics and tests). */
  readonly params: EnclosureParams;
  private readonly local: LocalTime;
  private maxStepMs: number;
  private monoMs: number;
  private wallMs: number;
  private tAir: number;
  private tSub: number;
  private tSurf: number;
  private vapour: number;
  private wetG = 0;
  private substrateWaterG: number;
  /** Room vapour density, g/m³, cached while the room temperature moves less than 0.01 K (it changes slowly). */
  private roomVapour = 0;
  private roomVapourAtC = Number.NaN;
  private readonly out: ActuatorBank;
  private readonly stepNormalMs: number;
  private readonly stepLidOpenMs: number;
  private readonly lidFlowM3PerS: number;
  private env: EnvironmentFaults = { room: null, sunW: 0, lidOpen: false };

  /**
   * @param cfg the enclosure (its `physics` build and its actuators)
   * @param room the room around it
   * @param startMonoMs monotonic ms the model starts at
   * @param startWallMs wall ms at that instant
   * @param timezone IANA zone of the room's day/night curve
   */
  constructor(
    cfg: EnclosureConfig,
    private readonly room: RoomModel,
    startMonoMs: number,
    startWallMs: number,
    timezone: string,
  ) {
    this.params = enclosureParams(cfg.physics);
    this.local = new LocalTime(timezone);
    this.monoMs = startMonoMs;
    this.wallMs = startWallMs;
    const tRoom = room.temperatureC(this.local.hourOfDay(startWallMs));
    this.tAir = cfg.physics.initialC ?? tRoom;
    this.tSub = this.tAir;
    this.tSurf = this.tAir;
    this.vapour =
      cfg.physics.initialHumidityPct === undefined
        ? Math.min(room.absoluteHumidityGPerM3(tRoom), saturationDensityGPerM3(this.tAir))
        : absoluteHumidityGPerM3(this.tAir, cfg.physics.initialHumidityPct);
    // The substrate has stood in the room: its water is in equilibrium with this vapour at room temperature.
    this.substrateWaterG = (relativeHumidityPct(tRoom, this.vapour) / 100) * this.params.substrateWetWaterG;

    this.out = new ActuatorBank(cfg.id, cfg.actuators, this.tAir);
    this.lidFlowM3PerS = lidOpenFlowM3PerS((cfg.physics.widthCm * cfg.physics.depthCm) / 1e4, cfg.physics.heightCm / 100);
    this.stepNormalMs = stableStepMs(this.params, this.out.heaterCond, this.out.heaterCap, this.out.fanOn.length);
    this.stepLidOpenMs = stableStepMs(this.params, this.out.heaterCond, this.out.heaterCap, this.out.fanOn.length, this.lidFlowM3PerS);
    this.maxStepMs = this.stepNormalMs;
  }

  /** Sets the enclosure-wide environment faults (room change, sun on the glass, open lid); the next {@link advanceTo} integrates with them. */
  setEnvironment(env: Partial<EnvironmentFaults>): void {
    this.env = { ...this.env, ...env };
    this.maxStepMs = this.env.lidOpen ? this.stepLidOpenMs : this.stepNormalMs;
  }

  /** The environment faults in force. */
  environment(): Readonly<EnvironmentFaults> {
    return this.env;
  }

  /** The room temperature at hour-of-day `hour` and monotonic `monoMs`, with any room change applied, °C. */
  private roomC(hour: number, monoMs: number): number {
    const base = this.room.temperatureC(hour);
    const change = this.env.room;
    if (change === null) return base;
    const target = change.toC ?? base + (change.deltaC ?? 0);
    const share = change.rampMs > 0 ? Math.min(1, Math.max(0, (monoMs - change.startMs) / change.rampMs)) : 1;
    return base + share * (target - base);
  }

  /**
   * Sets an output as the relay/PWM drives it. `level` (0..1) is used by dimmable lights and
   * defaults to 1 when on; feeders have no thermal effect and are accepted.
   * @throws UnknownSimActuatorError for an id the enclosure does not have
   */
  setOutput(actuatorId: string, on: boolean, level?: number): void {
    this.out.set(actuatorId, on, level);
  }

  /** Injects (or clears with `null`) a heater failure. @throws UnknownSimActuatorError if not a heater */
  setHeaterFault(actuatorId: string, fault: HeaterFault | null): void {
    this.out.setHeaterFault(actuatorId, fault);
  }

  /** True when the heater element is being powered now (relay, injected fault and any cutoff considered). */
  heaterIsHeating(actuatorId: string): boolean {
    return this.out.heaterPowered(this.out.heaterIndex(actuatorId));
  }

  /**
   * Integrates up to monotonic `monoMs`, wall `wallMs` (the room curve follows wall time, so a
   * wall-clock jump moves the room's day/night with it). Calling it with the current time is a no-op.
   * @throws SimTimeReversedError if `monoMs` is earlier than the last call
   */
  advanceTo(monoMs: number, wallMs: number): void {
    const dt = monoMs - this.monoMs;
    if (dt < 0) throw new SimTimeReversedError(this.monoMs, monoMs);
    if (dt === 0) {
      this.wallMs = wallMs;
      return;
    }
    const n = Math.ceil(dt / this.maxStepMs);
    const hMs = dt / n;
    const wallStart = wallMs - dt;
    const monoStart = this.monoMs;
    for (let k = 0; k < n; k++) this.step(hMs / 1000, wallStart + k * hMs, monoStart + k * hMs);
    this.monoMs = monoMs;
    this.wallMs = wallMs;
  }

  /** The true state now (a fresh object; not for the inner loop). */
  state(): PhysicsState {
    const heaterC: Record<string, number> = {};
    const heaterSurfaceC: Record<string, number> = {};
    for (let i = 0; i < this.out.heaterIds.length; i++) {
      heaterC[this.out.heaterIds[i]] = this.out.heaterTemp[i];
      heaterSurfaceC[this.out.heaterIds[i]] = this.out.heaterSurfTemp[i];
    }
    const hour = this.local.hourOfDay(this.wallMs);
    const roomC = this.roomC(hour, this.monoMs);
    return {
      airC: this.tAir,
      probeC: this.tSurf,
      humidityPct: relativeHumidityPct(this.tAir, this.vapour),
      pressurePa: this.room.pressurePa(this.wallMs, hour),
      heaterC,
      heaterSurfaceC,
      roomC,
      roomHumidityPct: this.room.humidityPct(),
    };
  }

  /** One explicit Euler step of `h` seconds starting at wall ms `wallMs`, monotonic ms `monoMs`. */
  private step(h: number, wallMs: number, monoMs: number): void {
    const p = this.params;
    const env = this.env;
    const tRoom = this.roomC(this.local.hourOfDay(wallMs), monoMs);
    const tAir = this.tAir;
    const tSub = this.tSub;
    const tSurf = this.tSurf;

    const o = this.out;
    let qAir = 0;
    let qSurf = 0;
    let qSub = 0;
    for (let i = 0; i < o.heaterPower.length; i++) {
      const heat = o.heaterCond[i] * (o.heaterTemp[i] - tAir);
      const power = o.heaterPowered(i) ? o.heaterPower[i] : 0;
      o.heaterTemp[i] += (h * (power - heat)) / o.heaterCap[i];
      qAir += heat * o.heaterShares[3 * i];
      qSub += heat * o.heaterShares[3 * i + 2];
      // The heater's own spot takes its surface share and passes it on to the basking surface.
      const toSpot = o.heaterSurfCond[i] * (o.heaterSurfTemp[i] - tSurf);
      o.heaterSurfTemp[i] += (h * (heat * o.heaterShares[3 * i + 1] - toSpot)) / o.heaterSurfCap[i];
      qSurf += toSpot;
    }
    for (let i = 0; i < o.lightLevel.length; i++) qAir += o.lightHeatW[i] * o.lightLevel[i];
    qAir += env.sunW;

    let flow = env.lidOpen ? p.naturalFlowM3PerS + this.lidFlowM3PerS : p.naturalFlowM3PerS;
    for (let i = 0; i < o.fanOn.length; i++) if (o.fanOn[i]) flow += p.fanFlowM3PerS;

    // Moisture, g/s. Evaporation in a step is capped by what brings the air to saturation while
    // its latent heat cools the air (linearised psychrometric balance), so misting a small box
    // cannot overshoot; in-flight droplets evaporate first, the rest lands on surfaces.
    let inFlight = 0;
    let toSurfaces = 0;
    for (let i = 0; i < o.misterFlow.length; i++) {
      const water = o.misterFlow[i] * o.misterLevel[i];
      inFlight += water * o.misterInFlight[i];
      toSurfaces += water * (1 - o.misterInFlight[i]);
    }
    const satAir = satDensity(tAir);
    const slope = satSlope(tAir, satAir);
    const latentPerVolume = 1 / p.volumeM3 + (slope * LATENT) / p.airCapacityJPerK;
    const wetArea = Math.min(this.wetG / FILM_G_PER_M2, p.interiorAreaM2);
    const fromWet = Math.min(Math.max(0, p.massTransferMPerS * wetArea * (satAir - this.vapour)), this.wetG / h);
    const evaporated = Math.min(inFlight + fromWet, Math.max(0, (satAir - this.vapour) / latentPerVolume / h));
    const inFlightEvaporated = Math.min(inFlight, evaporated);
    toSurfaces += inFlight - inFlightEvaporated;
    const evaporation = evaporated - inFlightEvaporated;
    const drain = this.wetG / DRAIN_TIME_S;
    const substrateRh = Math.min(1, this.substrateWaterG / p.substrateWetWaterG);
    const fromSubstrate = p.substrateVapourFlowM3PerS * (substrateRh * satDensity(tSub) - this.vapour);
    if (!(Math.abs(tRoom - this.roomVapourAtC) <= 0.01)) {
      this.roomVapourAtC = tRoom;
      this.roomVapour = this.room.absoluteHumidityGPerM3(tRoom);
    }
    const roomVapour = this.roomVapour;

    // Heat, W.
    const dAir =
      qAir +
      (p.airToRoomWPerK + flow * RHO_CP) * (tRoom - tAir) +
      p.airToSubstrateWPerK * (tSub - tAir) +
      p.surfaceToAirWPerK * (tSurf - tAir) -
      LATENT * evaporated;
    const dSub =
      qSub + p.floorToRoomWPerK * (tRoom - tSub) + p.airToSubstrateWPerK * (tAir - tSub) + p.surfaceToSubstrateWPerK * (tSurf - tSub) - LATENT * fromSubstrate;
    const dSurf = qSurf + p.surfaceToAirWPerK * (tAir - tSurf) + p.surfaceToSubstrateWPerK * (tSub - tSurf);

    this.tAir = tAir + (h * dAir) / p.airCapacityJPerK;
    this.tSub = tSub + (h * dSub) / p.substrateCapacityJPerK;
    this.tSurf = tSurf + (h * dSurf) / p.surfaceCapacityJPerK;
    this.vapour += (h * (evaporated + fromSubstrate + flow * (roomVapour - this.vapour))) / p.volumeM3;
    this.wetG = Math.max(0, this.wetG + h * (toSurfaces - evaporation - drain));
    this.substrateWaterG = Math.max(0, this.substrateWaterG + h * (drain - fromSubstrate));

    // Supersaturated air condenses on the surfaces at once; its latent heat warms the air, which
    // raises saturation, so only (v - v_s) / (1/V + v_s' L / C) grams condense (linearised).
    const satNew = satAir + slope * (this.tAir - tAir);
    if (this.vapour > satNew) {
      const condensedG = (this.vapour - satNew) / latentPerVolume;
      this.vapour -= condensedG / p.volumeM3;
      this.wetG += condensedG;
      this.tAir += (LATENT * condensedG) / p.airCapacityJPerK;
    }
  }
}
