import type { Controller } from '../src/app/controller.js';
import type { CommandResult } from '../src/app/enclosure-runtime.js';
import { driveOutputsSafe } from '../src/app/safe-outputs.js';
import type { Config } from '../src/config/load.js';
import { describeError } from '../src/errors.js';
import { writeDurable } from '../src/store/durable-file.js';
import { StateStoreError } from '../src/store/errors.js';
import { CurrentProcessClock, ProcessClock } from './process-clock.js';
import type { ScenarioEvent } from './scenario.js';
import type { SimWorld } from './sim-world.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * How systemd supervises the service, as the shipped unit (`systemd/terrarium.service`) sets it:
 * `WatchdogSec=60` with a keep-alive every third of it (20 s) from start-up, and `RestartSec=10`.
 * `watchdogMs: null` models a service without a watchdog (a hang then lasts its whole duration).
 */
export interface SystemdModel {
  watchdogMs: number | null;
  keepAliveMs: number;
  restartMs: number;
}

/** The shipped unit's figures (`WatchdogSec=60`, keep-alive every 20 s, `RestartSec=10`). */
export const SHIPPED_SYSTEMD: SystemdModel = { watchdogMs: 60_000, keepAliveMs: 20_000, restartMs: 10_000 };

/** What the host tells the runner about the process. */
export interface ProcessHostEvents {
  /** A controller was started (the first one and every one after a restart). */
  started(controller: Controller): void;
  /** No controller runs (`down`) or it is stalled (`hung`) from now on. */
  down(state: 'down' | 'hung'): void;
  /** The controller runs again (a new one started, or the hang ended). */
  up(): void;
}

/** An injected state-directory failure: the errno every write fails with. */
export type StateDiskFault = 'ENOSPC' | 'EROFS';

/**
 * The simulated controller process and what the operating system does to it: crash, power cut,
 * event-loop hang (with systemd's watchdog kill and restart), a full or read-only state
 * directory, and a person's commands. One process at a time, each with its own
 * {@link ProcessClock}; the devices run on the current process's clock
 * ({@link CurrentProcessClock}), so their I/O is seen only when the process runs.
 */
export class ProcessHost {
  /** The clock the simulated devices use: pass it to the SimWorld. */
  readonly deviceClock: CurrentProcessClock;
  private current: Controller | undefined;
  private processClock: ProcessClock | undefined;
  private startedMono = 0;
  private diskFault: StateDiskFault | null = null;
  private state: 'up' | 'down' | 'hung' = 'down';

  /**
   * @param clock the simulation's virtual clock
   * @param build makes a controller for one process, on its clock, writing state with `stateWrite`
   */
  constructor(
    private readonly o: {
      clock: VirtualClock;
      config: Config;
      systemd: SystemdModel;
      build: (clock: ProcessClock, stateWrite: (file: string, text: string) => void) => Controller;
      events: ProcessHostEvents;
    },
  ) {
    this.deviceClock = new CurrentProcessClock(o.clock);
  }

  /** The world the devices live in; set once it is built on {@link deviceClock}. */
  world: SimWorld | undefined;

  /** The running (or hung) controller. @throws Error before {@link start} */
  get controller(): Controller {
    if (!this.current) throw new Error('no controller process started');
    return this.current;
  }

  /** Starts a new controller process (boot, or restart after downtime). */
  async start(): Promise<void> {
    const pc = new ProcessClock(this.o.clock);
    this.processClock = pc;
    this.deviceClock.current = pc;
    this.startedMono = this.o.clock.monotonic();
    const c = this.o.build(pc, (file, text) => this.writeState(file, text));
    this.current = c;
    await c.start();
    this.state = 'up';
    this.o.events.started(c);
    this.o.events.up();
  }

  /** Sets or clears (`null`) a state-directory failure: every state write fails with that errno. */
  setDiskFault(fault: StateDiskFault | null): void {
    this.diskFault = fault;
  }

  /**
   * Crash and restart: no clean shutdown (the tick in progress finishes, nothing is driven safe),
   * handles and lines released, outputs keep their levels; a new process after `downtimeMs`.
   */
  async crash(downtimeMs: number): Promise<void> {
    await this.controller.abandon();
    this.world?.crashProcess();
    this.goDown('down');
    await this.o.clock.sleep(downtimeMs);
    await this.start();
  }

  /**
   * Power cut: the process stops at once (nothing of it runs again), every output loses power, the
   * files stay as on disk; after `downtimeMs` a new process boots on the same state directory.
   */
  async powerCut(downtimeMs: number): Promise<void> {
    this.processClock?.kill();
    this.world?.powerCut();
    this.goDown('down');
    await this.o.clock.sleep(downtimeMs);
    await this.start();
  }

  /**
   * The event loop stalls for `durationMs`. With a watchdog, systemd kills the process when the
   * keep-alive deadline passes during the stall (the last keep-alive plus `watchdogMs`; keep-alives
   * every `keepAliveMs` since start-up); the unit's `ExecStopPost=` then drives every output safe
   * (`safe-outputs`) and a new process starts after `restartMs`. Otherwise the held timers run late
   * when the stall ends. Resolves when the process runs again.
   * @returns whether the watchdog killed the process
   */
  async hang(durationMs: number): Promise<boolean> {
    const pc = this.processClock;
    if (!pc || this.state !== 'up') return false;
    const now = this.o.clock.monotonic();
    const sd = this.o.systemd;
    pc.hang();
    this.goDown('hung');
    const killAt = sd.watchdogMs === null ? Number.POSITIVE_INFINITY : this.startedMono + Math.floor((now - this.startedMono) / sd.keepAliveMs) * sd.keepAliveMs + sd.watchdogMs;
    if (now + durationMs <= killAt) {
      await this.o.clock.sleep(durationMs);
      pc.resume();
      this.state = 'up';
      this.o.events.up();
      return false;
    }
    await this.o.clock.sleep(Math.max(0, killAt - now));
    pc.kill();
    this.world?.crashProcess();
    this.goDown('down');
    await this.safeOutputs();
    await this.o.clock.sleep(sd.restartMs);
    await this.start();
    return true;
  }

  /** `ExecStopPost=`: the `safe-outputs` command, as its own short process. */
  private async safeOutputs(): Promise<void> {
    const world = this.world;
    if (!world) return;
    const pc = new ProcessClock(this.o.clock);
    this.deviceClock.current = pc;
    await driveOutputsSafe(this.o.config, { ...world.hardware(), clock: pc });
    world.crashProcess();
  }

  /**
   * A person's command through the controller's command sink (as the CLI, status socket and MQTT
   * give it), to enclosure `enclosureId`. Refused when no controller runs or it is hung.
   */
  command(enclosureId: string, f: Extract<ScenarioEvent['fault'], { kind: 'operator' }>): CommandResult {
    if (this.state !== 'up' || !this.current) return { ok: false, reason: `controller ${this.state === 'hung' ? 'not responding (hung)' : 'not running'}` };
    try {
      return this.send(this.current, enclosureId, f);
    } catch (e) {
      // A command that cannot be persisted (disk full) fails as it would over MQTT: refused, with why.
      return { ok: false, reason: describeError(e) };
    }
  }

  private send(c: Controller, enclosureId: string, f: Extract<ScenarioEvent['fault'], { kind: 'operator' }>): CommandResult {
    const sink = c.commands;
    switch (f.command) {
      case 'ack':
        return sink.acknowledge(enclosureId);
      case 'feed':
        return sink.feedNow(enclosureId);
      case 'mode':
        return sink.setMode(enclosureId, f.mode);
      case 'setpoint':
        return sink.setSetpointOverride(enclosureId, f.valueC, f.durationMinutes ?? this.o.config.mqtt?.setpointOverrideMinutes ?? 120);
      case 'clear-setpoint':
        return sink.clearSetpointOverride(enclosureId);
      case 'output':
        return sink.setOutput(enclosureId, f.actuator, f.on);
    }
  }

  /** Stops the running controller cleanly (end of the run); a hung one is resumed first. */
  async stop(): Promise<void> {
    this.processClock?.resume();
    if (this.state !== 'down') await this.current?.stop();
  }

  private goDown(state: 'down' | 'hung'): void {
    this.state = state;
    this.o.events.down(state);
  }

  /** The state store's write: durable, unless a disk fault is injected. */
  private writeState(file: string, text: string): void {
    const errno = this.diskFault;
    if (errno) {
      const cause = Object.assign(new Error(`${errno}: ${errno === 'ENOSPC' ? 'no space left on device' : 'read-only file system'}, open '${file}.tmp'`), { code: errno });
      throw new StateStoreError(file, `cannot write: ${errno}`, { cause });
    }
    writeDurable(file, text);
  }
}
