import { join } from 'node:path';
import { queryStatusSocket } from '../app/status-server.js';
import type { StatusReport } from '../app/status-report.js';
import { initialPersistedState, parsePersistedState, type PersistedState } from '../app/enclosure-state.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { StateDocument } from '../store/state-document.js';
import { EXIT, reportFatal } from './exit.js';
import { findController } from './find-controller.js';
import { formatStatus } from './format-status.js';

/**
 * `terrarium status --json`: the same shape whether the controller runs or not.
 * `report` is the running controller's live report (null when stopped); `persisted` is what the
 * state directory holds (null while running: the live report is fresher).
 */
export interface StatusJson {
  running: boolean;
  controllerId: string;
  stateDir: string;
  socket: string;
  report: StatusReport | null;
  persisted: PersistedState | null;
}

/**
 * `terrarium status`: finds the controller (see `findController`: `--config`, the default
 * config, or the runtime registry), asks it over its local socket; when none answers, prints what
 * the state directory knows (latched faults, last feeds, recoveries) and says so (exit 1).
 */
export async function statusCommand(
  opts: { config?: string; json?: boolean },
  out: NodeJS.WritableStream = process.stdout,
  io: { stderr?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; platform?: Platform } = {},
): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const platform = io.platform ?? createPlatform({ env: io.env });
  try {
    const found = findController(opts, io.env ?? process.env, platform);
    if (!found.target) {
      stderr.write(`terrarium: no running controller found (looked at ${found.looked.join(' and ')}); pass --config FILE\n`);
      return EXIT.runtime;
    }
    const t = found.target;
    for (const o of found.others) stderr.write(`terrarium: also running: ${o.controllerId} (state ${o.stateDir}); pass --config to choose\n`);
    let live: StatusReport | undefined;
    try {
      live = (await queryStatusSocket(t.socket, { cmd: 'status' })) as StatusReport;
    } catch {
      live = undefined;
    }
    const persisted = live ? null : new StateDocument(join(t.stateDir, 'state.json'), parsePersistedState, initialPersistedState).load();
    if (opts.json) {
      const body: StatusJson = { running: live !== undefined, controllerId: t.controllerId, stateDir: t.stateDir, socket: t.socket, report: live ?? null, persisted };
      out.write(`${JSON.stringify(body, null, 2)}\n`);
    } else out.write(formatStatus(t, live, persisted ?? initialPersistedState()));
    return live ? EXIT.ok : EXIT.runtime;
  } catch (e) {
    return reportFatal(e, stderr, opts.json);
  }
}
