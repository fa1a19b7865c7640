import type { EnclosureConfig } from '../config/load.js';
import type { Fault, FaultKind } from '../control/types.js';
import type { ReadingsBySensor } from '../devices/reading.js';
import { Cusum } from './cusum.js';
import { EnclosureModel, emptyInputs, lightHeatW, type ModelInputs, type NodeHeatBalance, type PersistedModel } from './thermal-model.js';

/**
 * Diagnosis of an enclosure's sensors and heaters by residuals: every temperature sensor is compared
 * with the other sensors on the same node and with the enclosure model's prediction
 * ({@link EnclosureModel}), and every heater's effect with what the model expects of it. The
 * residual tests are structured so that each fault has its own signature (Gertler's structured
 * residuals; Isermann, "Fault-Diagnosis Systems", Springer 2006, ch. 10-14):
 *
 * | fault | signature |
 * | --- | --- |
 * | frozen sensor | its value does not change at all while its peers, or the model driven by the heat going in, move by more than {@link FROZEN_MOVE_C} |
 * | offset (step) | sudden, lasting disagreement with its peers; the other peers agree with the model |
 * | drift | slowly growing disagreement with its peers; the other peers agree with the model |
 * | detached probe | a surface probe jumps to the air's (or room's) temperature and stays there while its heater heats |
 * | heater gives no heat | the node it heats rises less than the model expects while it is on, every sensor there agreeing |
 * | relay stuck on | the node a heater heats most warms as if it were on while it is commanded off |
 * | heat from another source | the air warms with no heater on, slower than a heater would: reported as unexplained heat, not a fault |
 *
 * Each test is a sequential test (Page's CUSUM, {@link Cusum}) on interval means (30 s), with
 * allowances and thresholds chosen to detect a 1 °C disagreement in about 7 min and a stuck 100 W
 * emitter in about 8 min, and to stay silent on fault-free weeks with sensor noise from 0.01 to
 * 0.2 °C. Sensor tests run first; a heater is judged only on a node whose sensors are trusted, so a
 * failed sensor is named as the sensor, never as the heater. A distrusted sensor is excluded from
 * control ({@link distrusted}) and trusted again after it has agreed with its reference for
 * {@link RETRUST_INTERVALS} intervals.
 *
 * Faults are reported without latching: latching and the heat lockout are the safety rules' call.
 */

/** A frozen sensor: unchanged while its reference moved by more than this, °C (peers). */
export const FROZEN_MOVE_C = 0.5;
/** A frozen sensor repeats one value for at least this many samples in a row. */
export const FROZEN_MIN_SAMPLES = 6;
/** Allowances scale with the noise of the difference between peers: ν ≥ this many standard deviations, h ≥ 10 × ν. */
const PEER_NU_SD = 1.5;
/** A frozen sensor without peers: unchanged while the model predicted a change of more than this, °C. */
export const FROZEN_MODEL_MOVE_C = 3.0;
/** Peer test: allowance ν per interval, °C, and threshold h, °C·intervals (1 °C: ~13 intervals; 0.5 °C: ~40). */
export const PEER_NU_C = 0.3;
export const PEER_H = 10;
/** Intervals for learning the normal difference between peers before testing (30 min). */
const WARMUP_INTERVALS = 60;
/** A peer alarm reached within this many intervals of the change point is a step (offset), else a drift. */
const STEP_INTERVALS = 6;
/** A distrusted sensor is trusted again after agreeing with its reference for this many intervals (10 min). */
export const RETRUST_INTERVALS = 20;
/** Heater tests: allowance as a share of the heater's full effect, and threshold in full-effect intervals. */
const HEATER_NU = 0.4;
const HEATER_H = 6;
/** A heater is judged after this many intervals in a row fully on, or fully off (2 min). */
const SUSTAINED = 4;
/** Surface probe detached: a jump toward the air of more than this, °C, in one interval. */
const DETACH_JUMP_C = 1.5;

/** One temperature sensor's interval accumulator and test statistics. */
interface SensorState {
  id: string;
  node: number;
  // interval accumulation
  sum: number;
  n: number;
  first: number;
  changed: boolean;
  // interval results
  mean: number;
  prevMean: number;
  // frozen test
  same: number;
  unchanged: number;
  lastRaw: number;
  /** Identical samples in a row, and the last sample. */
  sameRun: number;
  lastTick: number;
  /** Variance of the departure from the peers (interval means, healthy), °C². */
  dVar: number;
  anchorRef: number;
  modelMove: number;
  // peer test
  baseline: number;
  baselineN: number;
  peerHi: Cusum;
  peerLo: Cusum;
  // trust
  fault: Fault | null;
  agree: number;
}

interface HeaterState {
  id: string;
  index: number;
  stuck: Cusum;
  noHeat: Cusum;
  fault: Fault | null;
  /** Intervals in a row fully on (duty ≥ 0.9) and fully off. */
  onRun: number;
  offRun: number;
  /** Node the heater heats most (its limit probe's node when it has one). */
  node: number;
}

/** Output states as the runtime applied them this tick. */
export type AppliedOutputs = Record<string, { on: boolean; level?: number } | undefined>;

export interface DiagnosisOptions {
  /** Model interval, ms (default 30 s). */
  intervalMs?: number;
  /** Room temperature at wall ms, °C, when known (a simulated room); otherwise the model estimates it. */
  roomC?: (wallMs: number) => number;
}

/** Persisted diagnosis state: the fitted model. */
export interface PersistedDiagnosis {
  model: PersistedModel;
}

/**
 * The diagnosis of one enclosure; owns its {@link EnclosureModel}. Feed it every tick
 * ({@link observe}); read {@link distrusted} for fusion, {@link faults} for the snapshot, and
 * {@link explainedHeat} for rules that must tell a heater's heat from other heat.
 */
export class EnclosureDiagnosis {
  readonly model: EnclosureModel;
  private readonly sensors: SensorState[];
  private readonly heaters: HeaterState[];
  private readonly byNode: SensorState[][];
  private readonly distrust = new Set<string>();
  private active: Fault[] = [];
  private intervalStart: number | null = null;
  private k = 0;
  private readonly inputs: ModelInputs;
  private readonly duty: Float64Array;
  private lightWs = 0;
  private mistGs = 0;
  private fanSum = 0;
  private outN = 0;
  private readonly nodePrev: Float64Array;
  private readonly nodeNow: Float64Array;
  /** Open-loop prediction per node, anchored to the node value while its sensors agree. */
  private readonly openLoop: Float64Array;
  private readonly lights: Array<{ id: string; w: number }>;
  private readonly misters: Array<{ id: string; flow: number }>;
  private readonly fans: string[];
  private lastWall = 0;

  constructor(
    readonly enc: EnclosureConfig,
    private readonly o: DiagnosisOptions = {},
  ) {
    this.model = new EnclosureModel(enc, o.intervalMs, o.roomC !== undefined);
    const nodes = this.model.nodes;
    this.sensors = enc.sensors.map((s) => ({
      id: s.id,
      node: s.placement === 'surface' ? nodes.findIndex((n) => n.id === s.id) : 0,
      sum: 0,
      n: 0,
      first: Number.NaN,
      changed: false,
      mean: Number.NaN,
      prevMean: Number.NaN,
      same: 0,
      unchanged: 0,
      lastRaw: Number.NaN,
      sameRun: 0,
      lastTick: Number.NaN,
      dVar: 0,
      anchorRef: Number.NaN,
      modelMove: 0,
      baseline: 0,
      baselineN: 0,
      peerHi: new Cusum(PEER_NU_C, PEER_H),
      peerLo: new Cusum(PEER_NU_C, PEER_H),
      fault: null,
      agree: 0,
    }));
    this.byNode = nodes.map((_, n) => this.sensors.filter((s) => s.node === n));
    this.heaters = this.model.heaters.map((h, index) => ({
      id: h.id,
      index,
      stuck: new Cusum(HEATER_NU, HEATER_H),
      noHeat: new Cusum(HEATER_NU, HEATER_H),
      fault: null,
      onRun: 0,
      offRun: 0,
      node: h.limit ? Math.max(0, nodes.findIndex((n) => n.id === h.limit?.sensor)) : 0,
    }));
    this.inputs = emptyInputs(this.heaters.length);
    this.duty = new Float64Array(this.heaters.length);
    this.nodePrev = new Float64Array(nodes.length).fill(Number.NaN);
    this.nodeNow = new Float64Array(nodes.length).fill(Number.NaN);
    this.openLoop = new Float64Array(nodes.length).fill(Number.NaN);
    this.lights = enc.actuators.filter((a) => a.kind === 'light').map((l) => ({ id: l.id, w: lightHeatW(l as never) }));
    this.misters = enc.actuators.flatMap((a) => (a.kind === 'mister' || a.kind === 'fogger' ? [{ id: a.id, flow: a.flowGramsPerSecond }] : []));
    this.fans = enc.actuators.filter((a) => a.kind === 'fan').map((a) => a.id);
  }

  /** Sensors the diagnosis distrusts now: control must not use them. */
  distrusted(): ReadonlySet<string> {
    return this.distrust;
  }

  /** Active diagnosis faults (not latched). */
  faults(): Fault[] {
    return this.active;
  }

  /** The model's heat balance per node ({@link EnclosureModel.explainedHeat}). */
  explainedHeat(): NodeHeatBalance[] {
    return this.model.explainedHeat();
  }

  /**
   * Feeds one tick: this tick's readings and the outputs as applied. Cheap (a few additions per
   * sensor and output); every `intervalMs` it runs the model update and the tests.
   * @param now wall ms; @param mono monotonic ms
   * @returns true when an interval was completed at this tick (faults and distrust may have changed)
   */
  observe(now: number, mono: number, bySensor: ReadingsBySensor, outputs: AppliedOutputs): boolean {
    this.lastWall = now;
    for (const s of this.sensors) {
      const r = bySensor[s.id]?.temperature;
      if (!r || r.quality !== 'ok' || typeof r.value !== 'number') continue;
      const v = r.value;
      if (s.n === 0) s.first = v;
      else if (v !== s.first) s.changed = true;
      s.sameRun = v === s.lastTick ? s.sameRun + 1 : 0;
      s.lastTick = v;
      s.sum += v;
      s.n++;
    }
    for (const h of this.heaters) if (outputs[h.id]?.on) this.duty[h.index]++;
    for (const l of this.lights) {
      const st = outputs[l.id];
      if (st?.on) this.lightWs += l.w * (st.level ?? 1);
    }
    for (const m of this.misters) if (outputs[m.id]?.on) this.mistGs += m.flow;
    for (const f of this.fans) if (outputs[f]?.on) this.fanSum++;
    this.outN++;
    if (this.intervalStart === null) this.intervalStart = mono;
    if (mono - this.intervalStart < this.model.intervalMs) return false;
    // A long gap (a stalled or restarted process) breaks the chain of interval means.
    const gap = mono - this.intervalStart > 3 * this.model.intervalMs;
    this.intervalStart = mono;
    this.endInterval(gap);
    return true;
  }

  private endInterval(gap: boolean): void {
    const n = this.outN || 1;
    for (let i = 0; i < this.duty.length; i++) this.inputs.heaterDuty[i] = this.duty[i] / n;
    this.inputs.lightW = this.lightWs / n;
    this.inputs.mistGPerS = this.mistGs / n;
    this.inputs.fan = this.fanSum / n;
    this.inputs.roomC = this.o.roomC ? this.o.roomC(this.lastWall) : Number.NaN;
    this.duty.fill(0);
    this.lightWs = this.mistGs = this.fanSum = this.outN = 0;
    this.k++;
    for (const s of this.sensors) {
      s.prevMean = s.mean;
      s.mean = s.n > 0 ? s.sum / s.n : Number.NaN;
      const raw = s.n > 0 ? s.first : Number.NaN;
      // frozen bookkeeping: the whole interval at one value, the same as the last one
      // `unchanged`: whole intervals at one value (a quiet, quantised probe in still air too): the
      // model does not learn from them nor judge heaters by them. `same`: frozen candidates; a median
      // of noisy samples can repeat for a sample or two, a run of FROZEN_MIN_SAMPLES is not chance.
      const still = s.n > 0 && !s.changed && raw === s.lastRaw;
      s.unchanged = still ? s.unchanged + 1 : 0;
      s.same = still && s.sameRun >= FROZEN_MIN_SAMPLES ? s.same + 1 : 0;
      s.lastRaw = s.changed ? Number.NaN : raw;
      s.sum = 0;
      s.n = 0;
      s.changed = false;
    }
    if (gap) {
      this.nodeNow.fill(Number.NaN);
      this.model.resetRates();
    }
    this.model.advanceInputs(this.inputs);
    this.nodePrev.set(this.nodeNow);
    this.testFrozen();
    this.testPeers();
    this.fuseNodes();
    this.testSurfaceProbes();
    this.learnAndTestHeaters();
    this.collect();
  }

  /** Mean of the trusted sensors of node `n` with a value this interval (NaN if none). */
  private trustedMean(n: number, except?: SensorState): number {
    let sum = 0;
    let c = 0;
    for (const s of this.byNode[n]) {
      if (s === except || this.distrust.has(s.id) || !Number.isFinite(s.mean)) continue;
      sum += s.mean - (s.baselineN > 0 && this.byNode[n].length > 1 ? s.baseline / 2 : 0);
      c++;
    }
    return c ? sum / c : Number.NaN;
  }

  private fuseNodes(): void {
    for (let n = 0; n < this.byNode.length; n++) this.nodeNow[n] = this.trustedMean(n);
  }

  private raise(s: SensorState | HeaterState, kind: FaultKind, message: string): void {
    if (s.fault?.kind === kind) return;
    s.fault = { kind, component: s.id, at: this.lastWall, latched: false, message };
  }

  private distrustSensor(s: SensorState, kind: FaultKind, message: string): void {
    this.raise(s, kind, message);
    this.distrust.add(s.id);
    s.agree = 0;
  }

  private retrust(s: SensorState): void {
    this.distrust.delete(s.id);
    s.fault = null;
    s.agree = 0;
    s.same = 0;
    s.peerHi.reset();
    s.peerLo.reset();
  }

  /** Frozen: unchanged for whole intervals while the peers (or the model) moved. */
  private testFrozen(): void {
    for (const s of this.sensors) {
      if (!Number.isFinite(s.mean)) continue;
      const ref = this.byNode[s.node].length > 1 ? this.trustedMean(s.node, s) : Number.NaN;
      if (s.same === 0) {
        s.anchorRef = ref;
        s.modelMove = 0;
        if (s.fault?.kind === 'sensor-frozen') this.agreeOrNot(s, ref);
        continue;
      }
      if (s.fault?.kind === 'sensor-frozen') continue;
      let moved = 0;
      let limit = Math.max(FROZEN_MOVE_C, 5 * Math.sqrt(s.dVar));
      if (Number.isFinite(ref) && Number.isFinite(s.anchorRef)) moved = Math.abs(ref - s.anchorRef);
      else if (this.model.fitted && s.node !== 0 && this.heaters.some((h) => h.node === s.node && h.onRun >= SUSTAINED && this.model.heaterLag(h.index) < 0.9)) {
        // no peer: while a heater of its spot heats up from off, how far the model says the spot
        // should have moved from the frozen value (a quantised probe held at its limit repeats a
        // value for hours legitimately, so only a heat-up counts)
        const air = Number.isFinite(this.nodePrev[0]) ? this.nodePrev[0] : s.mean;
        s.modelMove += this.model.predict(s.node, s.mean, air) - s.mean;
        moved = Math.abs(s.modelMove);
        limit = FROZEN_MODEL_MOVE_C;
      }
      if (moved > limit) {
        const by = Number.isFinite(ref) ? `while the other sensors moved ${moved.toFixed(1)} °C` : `while the heat going in should have moved it ${moved.toFixed(1)} °C`;
        this.distrustSensor(s, 'sensor-frozen', `${s.id} frozen at ${s.mean.toFixed(2)} °C for ${Math.round((s.same * this.model.intervalMs) / 60_000)} min ${by}; not used for control`);
      }
    }
  }

  /** A distrusted sensor that agrees with its reference long enough is trusted again. */
  private agreeOrNot(s: SensorState, ref: number): void {
    if (!Number.isFinite(ref) || !Number.isFinite(s.mean)) return;
    if (Math.abs(s.mean - ref - s.baseline / 2) < PEER_NU_C) s.agree++;
    else s.agree = 0;
    if (s.agree >= RETRUST_INTERVALS) this.retrust(s);
  }

  /** Peers on one node: CUSUM on each sensor's departure from the others, beyond their usual difference. */
  private testPeers(): void {
    for (let n = 0; n < this.byNode.length; n++) {
      const group = this.byNode[n];
      if (group.length < 2) continue;
      for (const s of group) {
        if (!Number.isFinite(s.mean)) continue;
        const ref = this.othersMedian(group, s);
        if (!Number.isFinite(ref)) continue;
        const d = s.mean - ref;
        if (this.distrust.has(s.id)) {
          if (s.fault?.kind !== 'sensor-frozen') {
            if (Math.abs(d - s.baseline) < PEER_NU_C) s.agree++;
            else s.agree = 0;
            if (s.agree >= RETRUST_INTERVALS) this.retrust(s);
          }
          continue;
        }
        if (s.baselineN < WARMUP_INTERVALS) {
          s.baselineN++;
          const prev = s.baseline;
          s.baseline += (d - s.baseline) / s.baselineN;
          s.dVar += ((d - prev) * (d - s.baseline) - s.dVar) / s.baselineN; // Welford's running variance
          continue;
        }
        const x = d - s.baseline;
        const nu = Math.max(PEER_NU_C, PEER_NU_SD * Math.sqrt(s.dVar));
        s.peerHi.nu = s.peerLo.nu = nu;
        s.peerHi.h = s.peerLo.h = Math.max(PEER_H, (PEER_H / PEER_NU_C) * nu);
        const hi = s.peerHi.add(x, this.k);
        const lo = s.peerLo.add(-x, this.k);
        if (!hi && !lo && Math.abs(x) < nu) {
          s.baseline += x / 2880; // follows a slowly changing gradient (a day)
          s.dVar += (x * x - s.dVar) / 240;
        }
        if (hi || lo) this.peerAlarm(n, group, hi ? s.peerHi : s.peerLo);
      }
    }
    // open-loop prediction per node: anchored while consistent
    for (let n = 0; n < this.byNode.length; n++) {
      const suspicious = this.byNode[n].some((s) => s.peerHi.s > s.peerHi.h / 4 || s.peerLo.s > s.peerLo.h / 4);
      const air = Number.isFinite(this.openLoop[0]) ? this.openLoop[0] : this.nodePrev[0];
      if (!suspicious || !Number.isFinite(this.openLoop[n])) this.openLoop[n] = this.trustedMean(n);
      else this.openLoop[n] = this.model.predict(n, this.openLoop[n], Number.isFinite(air) ? air : this.openLoop[n]);
    }
  }

  private othersMedian(group: SensorState[], self: SensorState): number {
    const v: number[] = [];
    for (const s of group) if (s !== self && !this.distrust.has(s.id) && Number.isFinite(s.mean)) v.push(s.mean);
    if (v.length === 0) return Number.NaN;
    v.sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /**
   * A peer test alarmed on node `n`: name the culprit. With three or more sensors it is the one
   * furthest from the others' median; with two, the one further from the model's open-loop
   * prediction since the sensors last agreed (the model is the third witness).
   */
  private peerAlarm(n: number, group: SensorState[], c: Cusum): void {
    const live = group.filter((s) => !this.distrust.has(s.id) && Number.isFinite(s.mean));
    if (live.length < 2) return;
    let culprit = live[0];
    let worst = -1;
    for (const s of live) {
      const dev = live.length >= 3 ? Math.abs(s.mean - this.othersMedian(group, s) - s.baseline) : Math.abs(s.mean - s.baseline / 2 - this.openLoop[n]);
      if (dev > worst) {
        worst = dev;
        culprit = s;
      }
    }
    const others = live.filter((s) => s !== culprit);
    const ref = this.othersMedian(group, culprit);
    const off = culprit.mean - ref - culprit.baseline;
    const step = c.start >= 0 && this.k - c.start <= STEP_INTERVALS;
    const kind: FaultKind = step ? 'sensor-offset' : 'sensor-drift';
    const what = step ? `jumped ${off > 0 ? '+' : ''}${off.toFixed(1)} °C` : `drifted ${off > 0 ? '+' : ''}${off.toFixed(1)} °C over ${Math.round(((this.k - c.start) * this.model.intervalMs) / 60_000)} min`;
    this.distrustSensor(
      culprit,
      kind,
      `${culprit.id} ${what} away from ${others.map((s) => s.id).join(', ')} (${culprit.mean.toFixed(1)} vs ${ref.toFixed(1)} °C); the model of the heat going in agrees with ${others.map((s) => s.id).join(', ')}; ${culprit.id} not used for control`,
    );
    for (const s of group) {
      s.peerHi.reset();
      s.peerLo.reset();
    }
  }

  /**
   * A surface probe that jumps toward the air by more than {@link DETACH_JUMP_C} in one interval
   * (a surface cannot cool that fast) and stays near the air while its heater heats has fallen off.
   */
  private testSurfaceProbes(): void {
    if (!this.model.fitted) return;
    const air = this.nodeNow[0];
    for (let n = 1; n < this.byNode.length; n++) {
      for (const s of this.byNode[n]) {
        if (!Number.isFinite(s.mean) || !Number.isFinite(s.prevMean) || !Number.isFinite(air)) continue;
        if (this.distrust.has(s.id)) {
          if (s.fault?.kind === 'sensor-detached') {
            // trusted again once it is back above the air where the model puts it
            const expect = this.model.predict(n, Number.isFinite(this.openLoop[n]) ? this.openLoop[n] : s.mean, air);
            this.openLoop[n] = expect;
            if (Math.abs(s.mean - expect) < 1.5 && Math.abs(s.mean - air) > 1.5) s.agree++;
            else s.agree = 0;
            if (s.agree >= RETRUST_INTERVALS) this.retrust(s);
          }
          continue;
        }
        const predicted = this.model.predict(n, s.prevMean, Number.isFinite(this.nodePrev[0]) ? this.nodePrev[0] : air);
        const jump = predicted - s.mean;
        const towardAir = Math.abs(s.mean - air) < Math.abs(s.prevMean - air) - DETACH_JUMP_C * 0.8;
        if (jump > DETACH_JUMP_C && towardAir && jump > 6 * this.model.predictionSd(n)) {
          this.openLoop[n] = predicted;
          this.distrustSensor(s, 'sensor-detached', `${s.id} fell ${jump.toFixed(1)} °C in ${Math.round(this.model.intervalMs / 1000)} s to ${s.mean.toFixed(1)} °C (air ${air.toFixed(1)} °C): probe detached from its spot; not used as a limit`);
        }
      }
    }
  }

  /** Learns the model from trusted node values and runs the heater tests. */
  private learnAndTestHeaters(): void {
    const m = this.model;
    const innov = new Float64Array(m.nodes.length).fill(Number.NaN);
    const prevAir = this.nodePrev[0];
    for (let n = 0; n < m.nodes.length; n++) {
      const prev = this.nodePrev[n];
      const now = this.nodeNow[n];
      if (!Number.isFinite(prev) || !Number.isFinite(now) || !Number.isFinite(prevAir)) continue;
      const quiet = this.byNode[n].every((s) => s.peerHi.s === 0 && s.peerLo.s === 0 && s.unchanged < 2) && this.heaters.every((h) => h.node !== n || (h.stuck.s === 0 && h.noHeat.s === 0));
      innov[n] = m.learn(n, prev, prevAir, now, quiet);
    }
    if (Number.isFinite(this.nodeNow[0])) m.advanceMass(this.nodeNow[0]);
    for (const h of this.heaters) {
      const d = this.inputs.heaterDuty[h.index];
      h.onRun = d >= 0.9 ? h.onRun + 1 : 0;
      h.offRun = d === 0 ? h.offRun + 1 : 0;
    }
    if (!m.fitted) return;
    for (const h of this.heaters) {
      const n = h.node;
      const e = innov[n];
      const sensorsOk = this.byNode[n].some((s) => Number.isFinite(s.mean) && !this.distrust.has(s.id)) && this.byNode[n].every((s) => s.unchanged < 4 && s.peerHi.s < s.peerHi.h / 2 && s.peerLo.s < s.peerLo.h / 2);
      if (!Number.isFinite(e) || !sensorsOk) {
        h.stuck.reset();
        h.noHeat.reset();
        continue;
      }
      const full = m.heaterEffect(n, h.index) * m.dtH; // °C per interval at full heat
      if (full <= 4 * m.predictionSd(n)) continue; // too weak to see on this node
      const duty = this.inputs.heaterDuty[h.index];
      const lag = m.heaterLag(h.index);
      // Off: a stuck relay keeps giving full heat while the model's lagged duty decays, so the
      // innovation is about full × (1 - lag); tested once the model expects at least 30 % less heat.
      // Judged only in sustained runs (2 min or more): within a switching interval the enclosure's
      // fastest response is not linear in the duty, and short runs would bias the innovation.
      if (duty === 0 && h.offRun >= SUSTAINED && lag < 0.7) {
        if (h.stuck.add(e / (full * (1 - lag)), this.k)) this.raise(h, 'stuck-relay', `${h.id} is off but ${m.nodes[n].id === 'air' ? 'the air' : m.nodes[n].id} warms as if it were on (+${((h.stuck.s * full) / ((h.stuck.count * m.intervalMs) / 3_600_000)).toFixed(1)} °C/h unexplained): relay stuck on?`);
      } else h.stuck.reset();
      if (duty >= 0.9 && h.onRun >= SUSTAINED && lag >= 0.6) {
        if (h.noHeat.add(-e / (full * lag), this.k)) this.raise(h, 'heater-no-heat', `${h.id} is on but ${m.nodes[n].id === 'air' ? 'the air' : m.nodes[n].id} does not warm as the model expects of it: heater gives no heat`);
      } else if (duty === 0) h.noHeat.reset();
      if (h.fault && h.stuck.s === 0 && h.noHeat.s === 0) h.fault = null;
    }
  }

  private collect(): void {
    const out: Fault[] = [];
    for (const s of this.sensors) if (s.fault) out.push(s.fault);
    for (const h of this.heaters) if (h.fault) out.push(h.fault);
    this.active = out;
  }

  /** State to persist (the fitted model). */
  toJSON(): PersistedDiagnosis {
    return { model: this.model.toJSON() };
  }

  /** Restores a persisted fit; returns false (and keeps the seed) when it does not fit this config. */
  restore(saved: unknown): boolean {
    if (typeof saved !== 'object' || saved === null) return false;
    return this.model.restore((saved as { model?: unknown }).model);
  }
}
