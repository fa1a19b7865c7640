import { createLogger } from '../app/logger.js';
import { startService, type Service } from '../app/service.js';
import { statusReport } from '../app/status-report.js';
import { describeError } from '../errors.js';
import { ScaledClock } from '../hal/scaled-clock.js';
import { SystemClock } from '../hal/system-clock.js';
import { ensureDir } from '../platform/ensure-dir.js';
import { InstanceLock } from '../platform/instance-lock.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { ControllerRegistry } from '../platform/registry.js';
import { EXIT, reportFatal } from './exit.js';
import { LiveView } from './live-view.js';
import { resolveConfig } from './resolve-config.js';

/** Real time between two live lines on the terminal, ms. */
export const LIVE_EVERY_MS = 2000;

/** Options of `terrarium run`. */
export interface RunOptions {
  config?: string;
  simulate?: boolean;
  /** Simulated time runs this many times faster than real time (simulated hardware only). */
  speed?: number;
  /** Fatal errors as JSON on stderr. */
  json?: boolean;
}

/** What `run` talks to; tests inject their own. */
export interface RunIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  platform: Platform;
  /** This process's id (lock owner, registry entry). */
  pid: number;
  /** Resolves with the first shutdown signal (default: the platform's signals on this process). */
  shutdown: (signals: readonly NodeJS.Signals[]) => Promise<string>;
}

function processSignals(signals: readonly NodeJS.Signals[]): Promise<string> {
  return new Promise((resolve) => {
    for (const s of signals) process.once(s, () => resolve(s));
  });
}

/**
 * `terrarium run`: validates the config (exit 2 on any problem), takes the state directory's
 * single-instance lock (exit 1 when another controller holds it), starts the controller (on a
 * {@link ScaledClock} with `--speed`), announces itself for `terrarium status`, shows a live line
 * per enclosure on a terminal, and runs until SIGINT/SIGTERM/SIGHUP (and SIGBREAK on Windows);
 * then drives every output to its safe state and exits 0.
 */
export async function runCommand(opts: RunOptions, io: Partial<RunIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const platform = io.platform ?? createPlatform({ env: io.env });
  const isTty = io.isTty ?? Boolean(process.stdout.isTTY);
  const pid = io.pid ?? process.pid;
  let resolved;
  try {
    resolved = resolveConfig(opts, env, platform);
  } catch (e) {
    return reportFatal(e, stderr, opts.json);
  }
  const { config } = resolved;
  const simulated = opts.simulate === true || config.hardware.backend === 'sim';
  const speed = opts.speed ?? 1;
  if (speed !== 1 && !simulated) {
    stderr.write('terrarium: --speed needs simulated hardware (--simulate, or hardware.backend "sim")\n');
    return EXIT.usage;
  }
  const real = new SystemClock();
  const start = config.hardware.sim.start === undefined ? undefined : Date.parse(config.hardware.sim.start);
  const clock = speed === 1 ? real : new ScaledClock(real, speed, start);
  const stateDir = config.controller.stateDir;
  const lock = new InstanceLock(stateDir, platform, pid);
  try {
    ensureDir(stateDir);
    lock.acquire();
  } catch (e) {
    return reportFatal(e, stderr, opts.json);
  }
  const log = await createLogger(config.log.level, clock, isTty, env);
  // Listen before starting: a signal during start-up still stops cleanly once started.
  const signal = (io.shutdown ?? processSignals)(platform.shutdownSignals);
  const socket = platform.statusSocketPath(stateDir);
  let service: Service;
  try {
    service = await startService({ config, clock, log, forceSim: opts.simulate === true, socketPath: socket });
  } catch (e) {
    log.fatal({ err: describeError(e) }, 'controller failed to start');
    lock.release();
    reportFatal(e, stderr, opts.json);
    return EXIT.runtime;
  }
  let withdraw = (): void => undefined;
  try {
    withdraw = new ControllerRegistry(platform).announce({ pid, controllerId: config.controller.id, stateDir, socket, config: config.file });
  } catch (e) {
    log.warn({ err: describeError(e), runtimeDir: platform.runtimeDir() }, '`terrarium status` without --config will not find this controller');
  }
  let live: LiveView | undefined;
  if (isTty) {
    const what = simulated ? `simulated hardware${speed !== 1 ? `, ${speed}x real time` : ''}` : 'Raspberry Pi hardware';
    stdout.write(`terrarium: controller "${config.controller.id}" running on ${what}; config ${config.file}; state ${stateDir}\n`);
    stdout.write('terrarium: a line per enclosure every 2 s (time, air → setpoint, phase, heater, mode, faults); Ctrl+C stops and turns outputs off\n');
    live = new LiveView({ clock, everyMs: LIVE_EVERY_MS * speed, timezone: config.controller.timezone, snapshots: () => statusReport(service.controller, config, clock).enclosures, write: (t) => stdout.write(t) });
    live.start();
  }
  log.info({ signal: await signal }, 'stopping: driving outputs to their safe state');
  live?.stop();
  withdraw();
  try {
    await service.stop();
  } catch (e) {
    log.error({ err: describeError(e) }, 'error while stopping');
    stderr.write(`terrarium: error while stopping: ${describeError(e)}\n`);
    return EXIT.runtime;
  } finally {
    lock.release();
  }
  return EXIT.ok;
}
