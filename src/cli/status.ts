import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { queryStatusSocket } from '../app/status-server.js';
import type { StatusReport } from '../app/status-report.js';
import { initialPersistedState, parsePersistedState, type PersistedState } from '../app/enclosure-state.js';
import { StateDocument } from '../store/state-document.js';
import { EXIT, reportFatal } from './exit.js';
import { formatStatus } from './format-status.js';

/**
 * `terrarium status`: asks the running controller over its local socket; when none answers,
 * prints what the state directory knows (latched faults, last feeds, recoveries) and says so.
 */
export async function statusCommand(opts: { config: string; json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const config = loadConfig(opts.config);
    const sock = join(config.controller.stateDir, 'terrarium.sock');
    let live: StatusReport | undefined;
    try {
      live = (await queryStatusSocket(sock, { cmd: 'status' })) as StatusReport;
    } catch {
      live = undefined;
    }
    let persisted: PersistedState;
    if (live) persisted = initialPersistedState();
    else {
      const doc = new StateDocument(join(config.controller.stateDir, 'state.json'), parsePersistedState, initialPersistedState);
      persisted = doc.load();
    }
    if (opts.json) out.write(`${JSON.stringify(live ?? { running: false, state: persisted }, null, 2)}\n`);
    else out.write(formatStatus(config, live, persisted));
    return live ? EXIT.ok : EXIT.runtime;
  } catch (e) {
    return reportFatal(e);
  }
}
