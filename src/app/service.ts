import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import type { HistoryReader } from '../history/types.js';
import { NodeCommandRunner } from '../hal/command-runner.js';
import { HostMetricsReader } from '../hal/host-metrics.js';
import { HostHealthMonitor } from '../supervisor/host-health.js';
import { SeededRandom } from '../resilience/random.js';
import { Controller } from './controller.js';
import { createHardware } from './hardware.js';
import type { HttpService } from './http.js';
import { StatusServer, type StatusRequest } from './status-server.js';
import { statusReport } from './status-report.js';
import { SystemdNotifier, watchdogIntervalMs } from './systemd-notify.js';
import { createTelemetry } from './telemetry.js';
import { tickProgress, Watchdog } from './watchdog.js';

/** A running controller process: the controller plus its local status socket, host health and watchdog. */
export interface Service {
  controller: Controller;
  /** Local history (`history` section); absent without one or when its file cannot be opened. */
  history?: HistoryReader;
  stop(): Promise<void>;
}

/**
 * Starts the whole controller for `terrarium run`: hardware from the config (or forced
 * simulation), host health, the controller and its tick loop (telemetry when configured), the
 * local status socket, then readiness and the health-gated watchdog for systemd.
 * Stops in reverse order. `socketPath`: the status socket's address (default `<stateDir>/terrarium.sock`).
 */
export async function startService(o: { config: Config; clock: Clock; log: Logger; forceSim?: boolean; socketPath?: string }): Promise<Service> {
  const { config, clock, log } = o;
  const built = await createHardware(config, clock, { forceSim: o.forceSim });
  const { hardware } = built;
  const runner = new NodeCommandRunner();
  const random = new SeededRandom(Math.floor(clock.now()) >>> 0);
  const notifier = new SystemdNotifier({ runner, env: process.env, pid: process.pid });
  let watchdog: Watchdog | undefined;
  const host = new HostHealthMonitor({
    clock,
    metrics: new HostMetricsReader({ stateDir: config.controller.stateDir, runner, sysRoot: config.host.sysRoot, procRoot: config.host.procRoot }),
    config: config.host,
    eventLoopLagMs: () => watchdog?.eventLoopLagMs(),
    onEvent: (ev) => log.warn({ host: ev }, 'host health changed'),
  });
  const history = config.history?.enabled ? (await import('../history/open-history.js')).openHistory(config, clock, log) : undefined;
  // The HTTP endpoint (server, prom-client) is loaded only when configured: nothing when off. The dashboard's charts read the history.
  const http: HttpService | undefined = config.http?.enabled ? new (await import('./http.js')).HttpService({ config, clock, log, history }) : undefined;
  // Alerts (optional, loaded only when configured) start before the controller: they read how the previous run ended.
  const alerts = config.alerts ? (await import('../alerts/start.js')).startAlerts({ config, clock, log, random }) : undefined;
  const controller = new Controller({ config, hardware, log, random, extraHealth: () => (config.host.enabled ? host.health() : []), telemetry: createTelemetry(config, clock, log, random), onTickTiming: http?.onTickTiming, observers: [...(alerts ? [alerts.observer] : []), ...(history ? [history] : []), ...(http ? [http] : [])] });
  alerts?.watchHealth(() => controller.health());
  if (config.host.enabled) await host.start();
  const startedAt = clock.monotonic();
  await controller.start();
  // An optional endpoint that cannot bind must not stop control: said loudly, control goes on.
  await http?.start(controller, clock.monotonic()).catch((e: unknown) => log.error({ err: describeError(e) }, 'http endpoint unavailable (probes, metrics and dashboard off)'));
  const status = new StatusServer(
    o.socketPath ?? join(config.controller.stateDir, 'terrarium.sock'),
    (req: StatusRequest) => {
      if (req.cmd === 'ack') {
        const ids = req.enclosureId ? [req.enclosureId] : config.enclosures.map((e) => e.id);
        return ids.map((id) => ({ enclosure: id, ...controller.commands.acknowledge(id) }));
      }
      return statusReport(controller, config, clock);
    },
    log,
  );
  try {
    await status.start();
  } catch (e) {
    log.warn({ err: describeError(e) }, 'status socket unavailable; `terrarium status` will read the state file only');
  }
  if (notifier.enabled) {
    watchdog = new Watchdog({
      clock,
      notifier,
      intervalMs: watchdogIntervalMs(process.env, process.pid),
      isHealthy: tickProgress({ clock, lastCompletedAt: () => controller.progress().lastTickMono, startedAt, periodMs: config.controller.tickMs }),
      onEvent: (ev) => {
        log.warn({ watchdog: ev }, 'watchdog');
        if (ev.type === 'withheld' || ev.type === 'resumed') controller.noteWatchdog(ev.type === 'withheld');
      },
    });
    await watchdog.start();
    await notifier.ready(`controlling ${config.enclosures.length} enclosure(s)`).catch((e: unknown) => log.warn({ err: describeError(e) }, 'systemd readiness notification failed'));
  }
  return {
    controller,
    history,
    async stop() {
      if (notifier.enabled) await notifier.stopping('driving outputs to their safe state').catch(() => undefined);
      http?.beginShutdown();
      await watchdog?.stop();
      await status.stop();
      await controller.stop();
      await alerts?.stop();
      await history?.stop();
      await http?.stop();
      await host.stop();
      await built.close();
    },
  };
}
