import type { Config, EnclosureConfig } from '../src/config/load.js';
import type { Clock } from '../src/hal/clock.js';
import { I2cError } from '../src/hal/errors.js';
import type { I2cBus, I2cProvider } from '../src/hal/i2c.js';
import type { Hardware } from '../src/hal/index.js';
import { SeededRandom } from '../src/resilience/random.js';
import { Bme280Sim } from './devices/bme280-sim.js';
import { Mcp23017Sim } from './devices/mcp23017-sim.js';
import { Pca9685Sim } from './devices/pca9685-sim.js';
import { Pcf857xSim } from './devices/pcf857x-sim.js';
import { SensorFaults } from './devices/sensor-faults.js';
import { SimGpio } from './gpio-sim.js';
import { SimI2cBus } from './i2c-sim.js';
import { SimOneWire } from './onewire-sim.js';
import { EnclosurePhysics, type PhysicsState } from './physics/enclosure-physics.js';
import { RoomModel } from './physics/room.js';
import { SimPlugs } from './plugs/sim-plugs.js';

/**
 * How one actuator's physical load is driven: a relay on a GPIO line, or a PCA9685 channel.
 * `stuck`: an injected relay fault (`on`: contacts welded, `off`: never closes), or `null`.
 */
export type LoadWiring = (
  | { actuatorId: string; via: 'gpio'; line: number; activeLow: boolean }
  | { actuatorId: string; via: 'pwm'; board: Pca9685Sim; channel: number }
  | { actuatorId: string; via: 'expander'; chip: { pinLevel(line: number): boolean | undefined }; line: number; activeLow: boolean }
  | { actuatorId: string; via: 'plug'; plug: { readonly isOn: boolean } }
) & {
  stuck: 'on' | 'off' | null;
};

/**
 * A servo feeder's hatch: it opens when the servo's pulse passes the middle of closed and open
 * pulse widths and closes when it comes back; a jammed servo (`servo-jam`) stays where it is.
 * `dispensed`: openings since the start (each one drops a portion).
 */
export interface SimFeeder {
  readonly actuatorId: string;
  open: boolean;
  jammed: boolean;
  dispensed: number;
}

/** One simulated enclosure: its physics and the devices wired to it. */
export interface SimEnclosure {
  readonly config: EnclosureConfig;
  readonly physics: EnclosurePhysics;
  /** BME280 models by sensor id. */
  readonly bme280: Map<string, Bme280Sim>;
  /** I2C bus and address of each BME280, by sensor id (for fault injection). */
  readonly bme280At: Map<string, { bus: number; address: number }>;
  /** DS18B20 1-Wire ids by sensor id. */
  readonly ds18b20: Map<string, string>;
  /** Injected reading faults (offset, drift, gain, noise, detached probe, saturation) by sensor id. */
  readonly sensorFaults: Map<string, SensorFaults>;
  readonly loads: LoadWiring[];
  /** Servo feeders by actuator id. */
  readonly feeders: Map<string, SimFeeder>;
  /** Water left in the mister reservoir, g. */
  reservoirG: number;
  /** Forces the float switch to read empty (fault injection). */
  forceWaterEmpty: boolean;
  /** Float switch stuck reading `full` or `empty` whatever the level (fault injection), or `null`. */
  floatStuck: 'full' | 'empty' | null;
}

/** Mister reservoir size, g (a 5 L canister, typical of misting systems). */
const RESERVOIR_G = 5000;

/**
 * An I2C handle per `open()`: closing it (component restart) does not close the shared simulated bus.
 * The transfers hand the bus's promise through (no `async` wrapper: each one cost two extra promise
 * hops per register access); a closed handle rejects, as before.
 */
class SimBusHandle implements I2cBus {
  private closed = false;
  constructor(private readonly bus: SimI2cBus) {}
  get busNumber(): number {
    return this.bus.busNumber;
  }
  private closedError(address: number): Promise<never> {
    return Promise.reject(new I2cError('ENODEV', this.bus.busNumber, address, 'bus handle is closed'));
  }
  readByte(a: number, r: number): Promise<number> {
    return this.closed ? this.closedError(a) : this.bus.readByte(a, r);
  }
  writeByte(a: number, r: number, v: number): Promise<void> {
    return this.closed ? this.closedError(a) : this.bus.writeByte(a, r, v);
  }
  readBlock(a: number, r: number, n: number): Promise<Uint8Array> {
    return this.closed ? this.closedError(a) : this.bus.readBlock(a, r, n);
  }
  writeBlock(a: number, r: number, d: Uint8Array): Promise<void> {
    return this.closed ? this.closedError(a) : this.bus.writeBlock(a, r, d);
  }
  receive(a: number, n: number): Promise<Uint8Array> {
    return this.closed ? this.closedError(a) : this.bus.receive(a, n);
  }
  send(a: number, d: Uint8Array): Promise<void> {
    return this.closed ? this.closedError(a) : this.bus.send(a, d);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * The simulated terrarium behind the HAL (a simulator is just another implementation
 * of the same interfaces): register-level BME280 and PCA9685 models on simulated I2C buses,
 * DS18B20 files on a simulated 1-Wire master, relays and the float switch on simulated GPIO, all
 * wired from the configuration to one physics model per enclosure.
 *
 * Physics advances lazily: {@link sync} (called before every sensor conversion and by the
 * simulation runner) first takes the loads' current states from the GPIO lines and PWM channels,
 * then integrates up to the clock's now. The world keeps no timers of its own.
 */
export class SimWorld {
  readonly gpio: SimGpio;
  readonly oneWire: SimOneWire;
  readonly buses = new Map<number, SimI2cBus>();
  readonly enclosures = new Map<string, SimEnclosure>();
  readonly random: SeededRandom;
  private readonly noise: SeededRandom;
  private readonly pwmBoards = new Map<string, Pca9685Sim>();
  private readonly expanders = new Map<string, Mcp23017Sim | Pcf857xSim>();
  /** Smart plugs (simulated Tasmota/Shelly peers on an in-process broker). */
  readonly plugs: SimPlugs;
  private readonly noiseC: number;
  private readonly faithful: boolean;
  private readonly gaussian = (): number => this.noise.gaussian();
  private lastSyncMono: number | undefined;

  /**
   * @param config the validated configuration (its `hardware.sim` section and enclosures)
   * @param clock the clock the controller runs on (virtual for `simulate` and tests)
   * @param seed overrides `hardware.sim.seed`
   */
  constructor(
    readonly config: Config,
    readonly clock: Clock,
    seed = config.hardware.sim.seed,
  ) {
    this.random = new SeededRandom(seed);
    this.noise = new SeededRandom(seed ^ 0x5eed);
    this.noiseC = config.hardware.sim.sensorNoiseC;
    this.faithful = config.hardware.sim.timing === 'faithful';
    this.gpio = new SimGpio(clock, this.faithful ? config.hardware.sim.gpioToolMs : 0);
    this.plugs = new SimPlugs(clock);
    this.oneWire = new SimOneWire({ clock, random: new SeededRandom(seed ^ 0x1e1e), timing: config.hardware.sim.timing });
    const room = new RoomModel(config.hardware.sim.room);
    for (const enc of config.enclosures) this.enclosures.set(enc.id, this.buildEnclosure(enc, room));
  }

  private bus(n: number): SimI2cBus {
    let b = this.buses.get(n);
    if (!b) {
      b = new SimI2cBus(n, this.clock, this.random, this.faithful ? this.config.hardware.sim.i2cClockHz : undefined);
      this.buses.set(n, b);
    }
    return b;
  }

  /** The simulated MCP23017 or PCF857x at `bus`/`address`, attached to its bus on first use. */
  private expander(type: 'mcp23017' | 'pcf8574' | 'pcf8575', bus: number, address: number): Mcp23017Sim | Pcf857xSim {
    const key = `${bus}:${address}`;
    let chip = this.expanders.get(key);
    if (!chip) {
      chip = type === 'mcp23017' ? new Mcp23017Sim() : new Pcf857xSim(type === 'pcf8574' ? 8 : 16);
      this.bus(bus).attach(address, chip);
      this.expanders.set(key, chip);
    }
    return chip;
  }

  private pwmBoard(bus: number, address: number): Pca9685Sim {
    const key = `${bus}:${address}`;
    let board = this.pwmBoards.get(key);
    if (!board) {
      board = new Pca9685Sim(this.clock);
      this.bus(bus).attach(address, board);
      this.pwmBoards.set(key, board);
    }
    return board;
  }

  private buildEnclosure(enc: EnclosureConfig, room: RoomModel): SimEnclosure {
    const physics = new EnclosurePhysics(enc, room, this.clock.monotonic(), this.clock.now(), this.config.controller.timezone);
    const sim: SimEnclosure = {
      config: enc,
      physics,
      bme280: new Map(),
      bme280At: new Map(),
      ds18b20: new Map(),
      sensorFaults: new Map(),
      loads: [],
      feeders: new Map(),
      reservoirG: RESERVOIR_G,
      forceWaterEmpty: false,
      floatStuck: null,
    };
    for (const s of enc.sensors) {
      const faults = new SensorFaults();
      sim.sensorFaults.set(s.id, faults);
      if (s.type === 'bme280') {
        const model = new Bme280Sim(this.clock, () => {
          this.sync();
          const st = physics.state();
          if (faults.empty) {
            return {
              temperatureC: st.airC + this.noiseC * this.noise.gaussian(),
              humidityPct: Math.min(100, Math.max(0, st.humidityPct + 4 * this.noiseC * this.noise.gaussian())),
              pressurePa: st.pressurePa,
            };
          }
          const now = this.clock.monotonic();
          const room = faults.detachedTo() === 'room';
          const temperatureC = faults.apply('temperature', room ? st.roomC : st.airC, now, this.gaussian) + this.noiseC * this.noise.gaussian();
          // Condensation pins the element at 100 %RH; the noise comes after that clamp.
          const rh = faults.saturated ? 100 : Math.min(100, Math.max(0, faults.apply('humidity', room ? st.roomHumidityPct : st.humidityPct, now, this.gaussian)));
          return { temperatureC, humidityPct: Math.min(100, Math.max(0, rh + 4 * this.noiseC * this.noise.gaussian())), pressurePa: st.pressurePa };
        });
        this.bus(s.bus).attach(s.address, model);
        sim.bme280.set(s.id, model);
        sim.bme280At.set(s.id, { bus: s.bus, address: s.address });
      } else {
        // An air-placed probe reads the enclosure air; a heater's limit probe the spot that heater
        // warms; any other surface probe the basking spot under the heaters.
        const limitOf = enc.actuators.find((a) => a.kind === 'heater' && a.limit?.sensor === s.id)?.id;
        const surface = s.placement === 'surface';
        this.oneWire.addDevice(s.deviceId, () => {
          this.sync();
          const st = physics.state();
          const detached = faults.detachedTo();
          const own = limitOf !== undefined ? st.heaterSurfaceC[limitOf] : surface ? st.probeC : st.airC;
          const trueC = detached === 'room' ? st.roomC : detached === 'air' ? st.airC : own;
          const readC = faults.empty ? trueC : faults.apply('temperature', trueC, this.clock.monotonic(), this.gaussian);
          return readC + this.noiseC * this.noise.gaussian();
        });
        sim.ds18b20.set(s.id, s.deviceId);
      }
    }
    for (const a of enc.actuators) {
      if (a.kind === 'feeder') {
        if (a.drive.type === 'servo') this.wireServo(sim, a.id, this.pwmBoard(a.drive.bus, a.drive.address), a.drive.channel, (a.drive.closedUs + a.drive.openUs) / 2, a.drive.openUs > a.drive.closedUs);
        continue;
      }
      const o = a.output;
      switch (o.type) {
        case 'gpio':
          sim.loads.push({ actuatorId: a.id, via: 'gpio', line: o.pin, activeLow: o.activeLow, stuck: null });
          break;
        case 'pca9685':
          sim.loads.push({ actuatorId: a.id, via: 'pwm', board: this.pwmBoard(o.bus, o.address), channel: o.channel, stuck: null });
          break;
        case 'mcp23017':
        case 'pcf8574':
        case 'pcf8575':
          sim.loads.push({ actuatorId: a.id, via: 'expander', chip: this.expander(o.type, o.bus, o.address), line: o.line, activeLow: o.activeLow, stuck: null });
          break;
        case 'tasmota':
        case 'shelly':
          sim.loads.push({ actuatorId: a.id, via: 'plug', plug: this.plugs.add(o), stuck: null });
          break;
      }
    }
    return sim;
  }

  /** A servo feeder's hatch, moved by its channel's pulse width (`midUs`: the switching point; `openIsLonger`: open = the longer pulse). */
  private wireServo(sim: SimEnclosure, actuatorId: string, board: Pca9685Sim, channel: number, midUs: number, openIsLonger: boolean): void {
    const feeder: SimFeeder = { actuatorId, open: false, jammed: false, dispensed: 0 };
    sim.feeders.set(actuatorId, feeder);
    board.onWrite(() => {
      if (feeder.jammed) return;
      const us = board.pulseWidthUs(channel);
      // No pulse (channel off or board asleep): the servo holds where it is.
      if (us <= 0) return;
      const open = openIsLonger ? us > midUs : us < midUs;
      if (open && !feeder.open) feeder.dispensed++;
      feeder.open = open;
    });
  }

  /** The HAL view of this world for one controller process (see {@link crashProcess}). */
  hardware(): Hardware {
    const handles = this.handles;
    const i2c: I2cProvider = {
      open: async (n) => {
        const h = new SimBusHandle(this.bus(n));
        handles.push(h);
        return h;
      },
    };
    return { kind: 'sim', clock: this.clock, i2c, gpio: this.gpio, oneWire: this.oneWire, mqtt: this.plugs.controllerLink() };
  }

  /**
   * The controller process died (crash-restart fault): its I2C handles and GPIO lines are released
   * as the kernel would; outputs keep their last level; anything the dead process still had in
   * flight fails on its next access. Call {@link hardware} again for the new process.
   */
  crashProcess(): void {
    for (const h of this.handles) void h.close();
    this.handles = [];
    this.gpio.releaseAll();
    this.plugs.killController();
  }

  /**
   * Mains gone (power-cut fault): the physics is brought up to now with the outputs as they were,
   * then the process dies as in {@link crashProcess}, the GPIO lines lose their levels (relays
   * open) and every PCA9685 goes through its power-on reset (all channels off): nothing is
   * powered until a new process drives it.
   */
  powerCut(): void {
    this.sync();
    this.crashProcess();
    this.gpio.powerLoss();
    for (const board of this.pwmBoards.values()) board.powerOn();
  }

  private handles: SimBusHandle[] = [];

  /** Brings every enclosure's physics up to the clock, with the loads as the outputs now drive them. */
  sync(): void {
    const mono = this.clock.monotonic();
    const wall = this.clock.now();
    for (const sim of this.enclosures.values()) {
      const dtS = this.lastSyncMono === undefined ? 0 : Math.max(0, (mono - this.lastSyncMono) / 1000);
      for (const load of sim.loads) {
        if (load.via === 'gpio') {
          const level = this.gpio.level(load.line);
          // An unopened line leaves the relay board's input floating/pulled up: the relay is off.
          const on = load.stuck !== null ? load.stuck === 'on' : level === undefined ? false : level !== load.activeLow;
          sim.physics.setOutput(load.actuatorId, on);
          if (on && dtS > 0) this.drainReservoir(sim, load.actuatorId, dtS);
        } else if (load.via === 'pwm') {
          const duty = load.stuck !== null ? (load.stuck === 'on' ? 1 : 0) : load.board.dutyCycle(load.channel);
          sim.physics.setOutput(load.actuatorId, duty > 0, duty);
        } else {
          // An expander line that floats (chip reset: high-impedance input) leaves the relay off.
          const level = load.via === 'expander' ? load.chip.pinLevel(load.line) : undefined;
          const driven = load.via === 'plug' ? load.plug.isOn : level === undefined ? false : level !== load.activeLow;
          const on = load.stuck !== null ? load.stuck === 'on' : driven;
          sim.physics.setOutput(load.actuatorId, on);
          if (on && dtS > 0) this.drainReservoir(sim, load.actuatorId, dtS);
        }
      }
      sim.physics.advanceTo(mono, wall);
      const wl = sim.config.waterLevel;
      if (wl) {
        const empty = sim.floatStuck !== null ? sim.floatStuck === 'empty' : sim.forceWaterEmpty || sim.reservoirG <= 0;
        const emptyLevel = wl.emptyLevel === 'high';
        this.gpio.setInputLevel(wl.pin, empty ? emptyLevel : !emptyLevel);
      }
    }
    this.lastSyncMono = mono;
  }

  private drainReservoir(sim: SimEnclosure, actuatorId: string, dtS: number): void {
    const a = sim.config.actuators.find((x) => x.id === actuatorId);
    if (a && (a.kind === 'mister' || a.kind === 'fogger')) sim.reservoirG = Math.max(0, sim.reservoirG - a.flowGramsPerSecond * dtS);
  }

  /** The true state of an enclosure (synced to now): what the animal feels. */
  truth(enclosureId: string): PhysicsState {
    this.sync();
    const sim = this.enclosures.get(enclosureId);
    if (!sim) throw new RangeError(`no simulated enclosure "${enclosureId}"`);
    return sim.physics.state();
  }
}
