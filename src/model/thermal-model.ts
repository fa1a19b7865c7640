import type { EnclosureConfig } from '../config/load.js';
import type { HeaterConfig } from '../config/enclosure-schema.js';
import { ParameterTracker } from './param-tracker.js';
import { DEFAULT_LIGHT_HEAT_W, HEATER_PRIORS, MIST_COOLING_W_PER_G_PER_S, MIST_LAG_S, ROOM_GUESS_C, shellSeed } from './priors.js';

/**
 * Grey-box thermal model of one enclosure, fitted online to its own readings.
 *
 * Nodes: the enclosure air, and one surface node per `surface`-placed probe (a basking spot or a
 * heat mat's surface, usually some heater's `limit`). Each node obeys a lumped RC balance
 * (a resistance-capacitance network, the usual grey-box building model: Bacher & Madsen,
 * "Identifying suitable models for the heat dynamics of buildings", Energy and Buildings 43(7), 2011):
 *
 *     air:      dT/dt = -a·T + a_m·M + Σ b_i·h_i + l·W_light + m·w_mist - f·fan·T + f0·fan + c
 *     surface:  dT/dt = -a·T + g·T_air + g_m·M + Σ b_i·h_i + c
 *
 * where `M` is the floor's heat store, represented by a 4-hour exponential average of the air
 * temperature (the substrate is driven by the air and follows it with hours of lag); `h_i` is heater
 * i's duty passed through a first-order lag of its type (an element heats and cools with a time
 * constant, see `priors.ts`); `W_light` the lights' heat, W; `w_mist` the misters' flow through the
 * cooling lag, g/s; `fan` the fraction of time a fan runs (it exchanges air with the room). The room
 * is not measured: it enters through the constant `c` (c = loss × room temperature), which the
 * estimator tracks as it moves between day and night, so the room temperature is an estimated
 * quantity, `c / (a - a_m)`.
 *
 * The balance is sampled with a zero-order hold every `intervalMs` (interval means of readings and
 * of output duties), which makes it linear in the parameters: y = (T̄_k - T̄_{k-1}) / Δt = φᵀθ. θ is
 * estimated by recursive least squares with a random-walk parameter model ({@link ParameterTracker}),
 * seeded from the enclosure's build (`physics`) and the heaters' types and powers. Rates are °C/h.
 *
 * Per tick cost: none (the caller averages); per interval: one small RLS update per node (n ≤ 12),
 * no allocation.
 */

/** Default model interval, ms: long enough to average sensor noise, short against the air's time constant. */
export const MODEL_INTERVAL_MS = 30_000;
/** Time constant of the floor's heat store proxy `M`, h. */
export const MASS_TAU_H = 4;
/** An update whose innovation exceeds this many standard deviations is not learned from (outlier). */
const OUTLIER_SD = 5;
/** Random walk of the constant term per hour, °C/h: slow heat from unknown sources (sun, a warm neighbour) drifts this much in an hour. */
const Q_C = 0.3;
/** Prior standard deviation of the slow (through the floor) heater terms, °C/h, when the room is measured. */
const SLOW_SD = 2;

/** Averages of the outputs over one interval, the model's inputs. */
export interface ModelInputs {
  /** Per heater (in {@link EnclosureModel.heaterIds} order): fraction of the interval powered, 0..1. */
  heaterDuty: Float64Array;
  /** Heat of the lights, W (level × heat watts, summed). */
  lightW: number;
  /** Misting, g/s averaged over the interval. */
  mistGPerS: number;
  /** Fans: fraction of the interval a fan ran (summed over fans). */
  fan: number;
  /** Room temperature over the interval, °C, when known (a simulated room); NaN when not measured. */
  roomC: number;
}

/** Creates zeroed inputs for `heaters` heaters. */
export function emptyInputs(heaters: number): ModelInputs {
  return { heaterDuty: new Float64Array(heaters), lightW: 0, mistGPerS: 0, fan: 0, roomC: Number.NaN };
}

/** One node of the model. */
export interface ModelNode {
  /** `air`, or the surface probe's sensor id. */
  id: string;
  kind: 'air' | 'surface';
  /** Heaters whose `limit` probe this node is (empty for air and for a free surface probe). */
  limitOf: string[];
}

/** What a node's temperature change is made of, °C/h (positive warms). */
export interface NodeHeatBalance {
  node: string;
  /** Observed rate over the last intervals (smoothed), °C/h; null before two intervals with data. */
  observedCPerH: number | null;
  /** Contribution of each heater (its lagged duty × effect), °C/h. */
  heatersCPerH: Record<string, number>;
  lightsCPerH: number;
  mistCPerH: number;
  /** Exchange with the room, the floor and (surface) the air, plus fans and the constant term, °C/h. */
  exchangeCPerH: number;
  /** Sum of the above: the rate the model explains, °C/h. */
  explainedCPerH: number;
  /** observed - explained (smoothed), °C/h: heat from a source the model does not know (sun, a stuck relay, a warm room). */
  unexplainedCPerH: number | null;
}

/** The fitted model in a keeper's terms. */
export interface ModelSummary {
  /** Model intervals learned from (30 s each by default). */
  updates: number;
  /** Hours of data the fit is based on. */
  hoursFitted: number;
  /** True once the fit is good enough for diagnosis ({@link EnclosureModel.fitted}). */
  fitted: boolean;
  air: {
    /** Time constant of the air towards its surroundings (room and floor) with no heat, min. */
    timeConstantMin: number;
    /** Estimated room temperature, °C, when the room is not measured (null when measured or not identifiable). */
    roomC: number | null;
    /** True when the room temperature is an input (a simulated room). */
    roomMeasured: boolean;
    /** Steady warming from sources the model does not know (sun, a warm neighbour), °C above the room. */
    otherHeatC: number;
  };
  heaters: Array<{
    id: string;
    heaterType: HeaterConfig['heaterType'];
    powerW: number;
    /** Air warming rate at full power once the element is hot, from equilibrium, °C/h. */
    airRateCPerH: number;
    /** Steady-state rise of the air above the room with this heater on all the time, °C. */
    airRiseC: number;
    /** Per surface node: steady-state rise of the surface above the room with this heater on, °C. */
    surfaceRiseC: Record<string, number>;
  }>;
  /** Steady-state rise of the air from the lights at full level, °C. */
  lightsRiseC: number;
}

/** Persisted fitted state (JSON). */
export interface PersistedModel {
  version: 1;
  intervalMs: number;
  /** Layout check: heater ids and node ids the parameters belong to. */
  heaters: string[];
  nodes: string[];
  theta: number[][];
  p: number[][];
  updates: number;
  massC: number | null;
}

interface NodeFit {
  node: ModelNode;
  tracker: ParameterTracker;
  phi: Float64Array;
  /** Index of the first heater coefficient in θ, and of the constant. */
  h0: number;
  cIdx: number;
  /** Smoothed observed rate and innovation, °C/h. */
  observed: number;
  unexplained: number;
  haveRate: boolean;
  /** Running variance of the innovation (rate units), for the noise floor. */
  innovVar: number;
}

/** Time-smoothing of the observed rate, model intervals (about 5 min at 30 s). */
const RATE_SMOOTHING = 10;

/** Light heat watts of a light config: `heatW` if the config has one, else {@link DEFAULT_LIGHT_HEAT_W}. */
export function lightHeatW(light: { heatW?: number; powerW?: number; heatFraction?: number }): number {
  if (typeof light.heatW === 'number') return light.heatW;
  if (typeof light.powerW === 'number') return light.powerW * (typeof light.heatFraction === 'number' ? light.heatFraction : 0.5);
  return DEFAULT_LIGHT_HEAT_W;
}

/** The grey-box model of one enclosure (see the module comment above). */
export class EnclosureModel {
  readonly heaterIds: string[];
  readonly heaters: HeaterConfig[];
  readonly nodes: ModelNode[];
  /** Model interval, h. */
  readonly dtH: number;
  private readonly fits: NodeFit[];
  private readonly lagAlpha: Float64Array;
  private readonly lag: Float64Array;
  /** Heater duties through the floor store's lag ({@link MASS_TAU_H}): the heat a heater puts into the floor comes back to the air slowly. */
  private readonly slow: Float64Array;
  private readonly mistAlpha: number;
  private mistLag = 0;
  private lightW = 0;
  private fan = 0;
  private roomC = ROOM_GUESS_C;
  /** True once a room temperature input was given. */
  roomKnown = false;
  private readonly massAlpha: number;
  /** Floor heat-store proxy M, °C (null before the first air value). */
  mass: number | null = null;
  /** Intervals learned from (sum over the air node). */
  updates = 0;

  /**
   * @param enc the enclosure (profile merged)
   * @param intervalMs model interval, ms
   * @param roomMeasured whether a room temperature will be given with the inputs. With it, the heat
   *   loss to the room is fitted and the constant term held near zero, which makes the steady-state
   *   rises (headroom) identifiable. Without it, the room and any steady foreign heat are one tracked
   *   constant that the data can barely tell apart from the loss (the room follows the same day/night
   *   rhythm as the setpoints): short-term predictions (diagnosis) stay good, steady-state rises are
   *   rough (see {@link ModelSummary}).
   */
  constructor(
    readonly enc: EnclosureConfig,
    readonly intervalMs = MODEL_INTERVAL_MS,
    readonly roomMeasured = false,
  ) {
    this.heaters = enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater');
    this.heaterIds = this.heaters.map((h) => h.id);
    this.dtH = intervalMs / 3_600_000;
    const dtS = intervalMs / 1000;
    this.lagAlpha = Float64Array.from(this.heaters, (h) => 1 - Math.exp(-dtS / HEATER_PRIORS[h.heaterType].lagS));
    this.lag = new Float64Array(this.heaters.length);
    this.slow = new Float64Array(this.heaters.length);
    this.mistAlpha = 1 - Math.exp(-dtS / MIST_LAG_S);
    this.massAlpha = 1 - Math.exp(-this.dtH / MASS_TAU_H);
    this.nodes = [{ id: 'air', kind: 'air', limitOf: [] }];
    for (const s of enc.sensors) {
      if (s.placement !== 'surface') continue;
      this.nodes.push({ id: s.id, kind: 'surface', limitOf: this.heaters.filter((h) => h.limit?.sensor === s.id).map((h) => h.id) });
    }
    this.fits = this.nodes.map((n) => (n.kind === 'air' ? this.airFit(n) : this.surfaceFit(n)));
  }

  /** Scales continuous-time rates (1/h, °C/h) to the zero-order-hold discretisation at total rate `a`. */
  private zoh(a: number): number {
    const x = a * this.dtH;
    return x < 1e-9 ? 1 : (1 - Math.exp(-x)) / x;
  }

  private airFit(node: ModelNode): NodeFit {
    const s = shellSeed(this.enc);
    const H = this.heaters.length;
    const perH = 3600 / s.airCapacityJPerK; // W -> °C/h
    const aCont = (s.airLossWPerK + s.airToMassWPerK) * perH;
    const z = this.zoh(aCont);
    const a = s.airLossWPerK * perH * z;
    const am = s.airToMassWPerK * perH * z;
    const misters = this.enc.actuators.filter((x) => x.kind === 'mister' || x.kind === 'fogger');
    const fanRate = (60 * (this.enc.physics.widthCm * this.enc.physics.depthCm * this.enc.physics.heightCm) * 1e-6 * 1206) / 3600;
    const viaFloor = (h: HeaterConfig): number => (1 - HEATER_PRIORS[h.heaterType].toAir) * 0.5 * h.powerW * s.airToMassWPerK / (s.airToMassWPerK + s.airLossWPerK) * perH * z * 0.2;
    const theta = [a, am, ...this.heaters.map((h) => HEATER_PRIORS[h.heaterType].toAir * h.powerW * perH * z), ...this.heaters.map(viaFloor), perH * z, misters.length ? -MIST_COOLING_W_PER_G_PER_S * perH * z : 0, fanRate * perH * z, 0];
    const maxRate = 1 / this.dtH; // a ZOH pole in [0, 1)
    const L = 2 + 2 * H;
    const sd = theta.map((v, i) => (i === theta.length - 1 ? (this.roomMeasured ? 0.5 : 5) : Math.max(0.5 * Math.abs(v), i >= 2 && i < L ? 2 : 0.05)));
    sd[0] = (this.roomMeasured ? 0.5 : 0.3) * a; // the loss to the room (see the constructor)
    for (let i = 0; i < H; i++) sd[2 + H + i] = SLOW_SD;
    sd[L] = perH * z; // lights
    sd[L + 1] = Math.max(0.5 * Math.abs(theta[L + 1]), 1);
    sd[L + 2] = Math.max(0.5 * theta[L + 2], 0.05);
    const day = 86_400_000 / this.intervalMs;
    const qc = this.roomMeasured ? Q_C / 10 : Q_C;
    const q = theta.map((v, i) => (i === theta.length - 1 ? (qc * qc) / (3_600_000 / this.intervalMs) : (0.2 * sd[i]) ** 2 / day));
    const lo = theta.map((_, i) => (i === 0 ? 0.01 : i === theta.length - 1 ? -1e6 : i === L + 1 ? -1e6 : 0));
    const hi = theta.map((_, i) => (i === 0 || i === 1 ? maxRate : i === L + 1 ? 0 : 1e6));
    const tracker = new ParameterTracker(theta, sd, q, 4, lo, hi);
    return { node, tracker, phi: new Float64Array(theta.length), h0: 2, cIdx: theta.length - 1, observed: 0, unexplained: 0, haveRate: false, innovVar: 4 };
  }

  private surfaceFit(node: ModelNode): NodeFit {
    const s = shellSeed(this.enc);
    const perH = 3600 / s.spotCapacityJPerK;
    const aCont = (s.spotToAirWPerK + s.spotToMassWPerK) * perH;
    const z = this.zoh(aCont);
    // A limit probe's heaters heat it; a free surface probe is assumed under every heater (the basking spot).
    const heats = (h: HeaterConfig): boolean => node.limitOf.length === 0 || node.limitOf.includes(h.id);
    const theta = [aCont * z, s.spotToAirWPerK * perH * z, s.spotToMassWPerK * perH * z, ...this.heaters.map((h) => (heats(h) ? HEATER_PRIORS[h.heaterType].toSurface * h.powerW * perH * z : 0)), ...this.heaters.map(() => 0), 0];
    const sd = theta.map((v, i) => (i === theta.length - 1 ? 5 : Math.max(0.5 * Math.abs(v), i >= 3 ? 5 : 0.05)));
    const day = 86_400_000 / this.intervalMs;
    const q = theta.map((_, i) => (i === theta.length - 1 ? (0.5 * 0.5) / (3_600_000 / this.intervalMs) : (0.2 * sd[i]) ** 2 / day));
    const lo = theta.map((_, i) => (i === 0 ? 0.02 : i === theta.length - 1 ? -1e6 : 0));
    const hi = theta.map((_, i) => (i <= 2 ? 1 / this.dtH : 1e6));
    const tracker = new ParameterTracker(theta, sd, q, 4, lo, hi);
    return { node, tracker, phi: new Float64Array(theta.length), h0: 3, cIdx: theta.length - 1, observed: 0, unexplained: 0, haveRate: false, innovVar: 4 };
  }

  /** Index of a node by id, -1 if none. */
  nodeIndex(id: string): number {
    return this.nodes.findIndex((n) => n.id === id);
  }

  /** Lagged duty of heater `i` now (0..1): how much of its full heat it is giving. */
  heaterLag(i: number): number {
    return this.lag[i];
  }

  /** Advances the input lags over one interval with that interval's average outputs. Call once per interval, before {@link rate}/{@link learn}. */
  advanceInputs(u: ModelInputs): void {
    for (let i = 0; i < this.lag.length; i++) {
      this.lag[i] += this.lagAlpha[i] * (u.heaterDuty[i] - this.lag[i]);
      this.slow[i] += this.massAlpha * (u.heaterDuty[i] - this.slow[i]);
    }
    this.mistLag += this.mistAlpha * (u.mistGPerS - this.mistLag);
    this.lightW = u.lightW;
    this.fan = u.fan;
    if (Number.isFinite(u.roomC)) {
      this.roomC = u.roomC;
      this.roomKnown = true;
    }
  }

  private fillPhi(f: NodeFit, tNode: number, tAir: number): Float64Array {
    const phi = f.phi;
    const m = this.mass ?? tAir;
    const H = this.lag.length;
    if (f.node.kind === 'air') {
      phi[0] = this.roomC - tNode;
      phi[1] = m - tNode;
      for (let i = 0; i < H; i++) phi[2 + i] = this.lag[i];
      for (let i = 0; i < H; i++) phi[2 + H + i] = this.slow[i];
      phi[2 + 2 * H] = this.lightW;
      phi[3 + 2 * H] = this.mistLag;
      phi[4 + 2 * H] = this.fan * (this.roomC - tNode);
      phi[5 + 2 * H] = 1;
    } else {
      phi[0] = -tNode;
      phi[1] = tAir;
      phi[2] = m;
      for (let i = 0; i < H; i++) phi[3 + i] = this.lag[i];
      for (let i = 0; i < H; i++) phi[3 + H + i] = this.slow[i];
      phi[3 + 2 * H] = 1;
    }
    return phi;
  }

  /** Modelled rate of node `n`, °C/h, at node temperature `tNode` and air `tAir`, with the current inputs. */
  rate(n: number, tNode: number, tAir: number): number {
    const f = this.fits[n];
    return f.tracker.predict(this.fillPhi(f, tNode, tAir));
  }

  /** Predicted node temperature one interval after `tNode` (with air at `tAir`), °C. */
  predict(n: number, tNode: number, tAir: number): number {
    return tNode + this.dtH * this.rate(n, tNode, tAir);
  }

  /** Standard deviation of the one-interval prediction of node `n`, °C (model uncertainty and noise). */
  predictionSd(n: number): number {
    return Math.sqrt(this.fits[n].innovVar) * this.dtH;
  }

  /**
   * One observation of node `n`: it went from `prev` to `next` (interval means, °C) with the air at
   * `prevAir`. Updates the smoothed rates; learns the parameters when `learnIt` (the caller's trust
   * in the readings) and the innovation is not an outlier.
   * @returns the innovation, °C (next - predicted)
   */
  learn(n: number, prev: number, prevAir: number, next: number, learnIt: boolean): number {
    const f = this.fits[n];
    const phi = this.fillPhi(f, prev, prevAir);
    const y = (next - prev) / this.dtH;
    const pred = f.tracker.predict(phi);
    const eps = y - pred;
    const w = 1 / RATE_SMOOTHING;
    f.observed = f.haveRate ? f.observed + w * (y - f.observed) : y;
    f.unexplained = f.haveRate ? f.unexplained + w * (eps - f.unexplained) : eps;
    f.haveRate = true;
    const outlier = eps * eps > OUTLIER_SD * OUTLIER_SD * f.tracker.innovationVariance(phi) && this.updates > 120;
    if (learnIt && !outlier) {
      f.tracker.update(phi, y);
      if (f.node.kind === 'air') this.updates++;
      f.innovVar += (eps * eps - f.innovVar) / 240;
      f.tracker.r = Math.max(1, f.innovVar);
    }
    return eps * this.dtH;
  }

  /** Advances the floor heat-store proxy with this interval's air temperature, °C. */
  advanceMass(air: number): void {
    this.mass = this.mass === null ? air : this.mass + this.massAlpha * (air - this.mass);
  }

  /** Resets the smoothed rate of every node (a gap in the data). */
  resetRates(): void {
    for (const f of this.fits) f.haveRate = false;
  }

  /**
   * True once the model has learned from at least 4 hours of data (or was restored from a fit that
   * had): before that, diagnosis compares sensors with each other only.
   */
  get fitted(): boolean {
    return this.updates >= (4 * 3_600_000) / this.intervalMs;
  }

  /** Heater i's effect on node n at full heat, °C/h (continuous-time). */
  heaterEffect(n: number, i: number): number {
    const f = this.fits[n];
    return f.tracker.theta[f.h0 + i];
  }

  /** The heat balance of every node now (for the safety rules' stuck-relay and false-alarm checks). */
  explainedHeat(): NodeHeatBalance[] {
    const out: NodeHeatBalance[] = [];
    const H = this.lag.length;
    for (const f of this.fits) {
      const th = f.tracker.theta;
      const heatersCPerH: Record<string, number> = {};
      let heaters = 0;
      for (let i = 0; i < this.lag.length; i++) {
        const v = th[f.h0 + i] * this.lag[i] + th[f.h0 + H + i] * this.slow[i];
        heatersCPerH[this.heaterIds[i]] = v;
        heaters += v;
      }
      const lights = f.node.kind === 'air' ? th[2 + 2 * H] * this.lightW : 0;
      const mist = f.node.kind === 'air' ? th[3 + 2 * H] * this.mistLag : 0;
      const explainedTotal = f.haveRate ? f.observed - f.unexplained : heaters + lights + mist;
      out.push({
        node: f.node.id,
        observedCPerH: f.haveRate ? f.observed : null,
        heatersCPerH,
        lightsCPerH: lights,
        mistCPerH: mist,
        exchangeCPerH: explainedTotal - heaters - lights - mist,
        explainedCPerH: explainedTotal,
        unexplainedCPerH: f.haveRate ? f.unexplained : null,
      });
    }
    return out;
  }

  /** Air's total exchange rate (room + floor) and its loss rate to the room, 1/h (discrete-time coefficients). */
  private airLoss(): { a: number; ar: number } {
    const th = this.fits[0].tracker.theta;
    return { a: th[0] + th[1], ar: Math.max(1e-6, th[0]) };
  }

  /** The fitted model in a keeper's terms. */
  summary(): ModelSummary {
    const f0 = this.fits[0];
    const th = f0.tracker.theta;
    const H = this.heaters.length;
    const { a, ar } = this.airLoss();
    const aCont = a * this.dtH >= 1 ? 1 / this.dtH : -Math.log(1 - a * this.dtH) / this.dtH;
    const zoh = aCont > 0 ? (a / aCont) : 1;
    // Without a room input the constant term carries the room: room = guess + c / loss.
    const roomC = this.roomKnown ? null : ROOM_GUESS_C + th[f0.cIdx] / ar;
    const heaters = this.heaters.map((h, i) => {
      const airRise = (th[2 + i] + th[2 + H + i]) / ar;
      const surfaceRiseC: Record<string, number> = {};
      for (let n = 1; n < this.fits.length; n++) {
        const t = this.fits[n].tracker.theta;
        // steady state: a_s·S = g·A + g_m·A + b (A = air = floor store at equilibrium)
        surfaceRiseC[this.nodes[n].id] = t[0] > 0 ? ((t[1] + t[2]) * airRise + t[3 + i] + t[3 + H + i]) / t[0] : 0;
      }
      return { id: h.id, heaterType: h.heaterType, powerW: h.powerW, airRateCPerH: th[2 + i] / zoh, airRiseC: airRise, surfaceRiseC };
    });
    return {
      updates: this.updates,
      hoursFitted: this.updates * this.dtH,
      fitted: this.fitted,
      air: { timeConstantMin: aCont > 0 ? 60 / aCont : Infinity, roomC: roomC !== null && Number.isFinite(roomC) && roomC > -30 && roomC < 60 ? roomC : null, roomMeasured: this.roomKnown, otherHeatC: th[f0.cIdx] / ar },
      heaters,
      lightsRiseC: (th[2 + 2 * H] * this.enc.actuators.filter((x) => x.kind === 'light').reduce((s, l) => s + lightHeatW(l as never), 0)) / ar,
    };
  }

  /** The fitted state to persist (JSON). */
  toJSON(): PersistedModel {
    return {
      version: 1,
      intervalMs: this.intervalMs,
      heaters: [...this.heaterIds],
      nodes: this.nodes.map((n) => n.id),
      theta: this.fits.map((f) => Array.from(f.tracker.theta)),
      p: this.fits.map((f) => Array.from(f.tracker.p)),
      updates: this.updates,
      massC: this.mass,
    };
  }

  /**
   * Restores a persisted fit. A fit made for another layout (heaters or probes added or removed, other
   * interval) is ignored and the model starts from its seed again.
   * @returns true when restored
   */
  restore(saved: unknown): boolean {
    if (!isPersistedModel(saved)) return false;
    if (saved.intervalMs !== this.intervalMs || saved.heaters.join() !== this.heaterIds.join() || saved.nodes.join() !== this.nodes.map((n) => n.id).join()) return false;
    if (saved.theta.length !== this.fits.length || saved.p.length !== this.fits.length) return false;
    for (let n = 0; n < this.fits.length; n++) if (saved.theta[n].length !== this.fits[n].tracker.size || saved.p[n].length !== this.fits[n].tracker.size ** 2) return false;
    for (let n = 0; n < this.fits.length; n++) this.fits[n].tracker.restore(saved.theta[n], saved.p[n]);
    this.updates = saved.updates;
    this.mass = saved.massC;
    return true;
  }
}

function isPersistedModel(v: unknown): v is PersistedModel {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const numArrays = (x: unknown): boolean => Array.isArray(x) && x.every((r) => Array.isArray(r) && r.every((e) => typeof e === 'number' && Number.isFinite(e)));
  return (
    o.version === 1 &&
    typeof o.intervalMs === 'number' &&
    Array.isArray(o.heaters) &&
    Array.isArray(o.nodes) &&
    numArrays(o.theta) &&
    numArrays(o.p) &&
    typeof o.updates === 'number' &&
    (o.massC === null || typeof o.massC === 'number')
  );
}
