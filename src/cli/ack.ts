import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { acknowledgeFaults } from '../control/guard.js';
import { queryStatusSocket } from '../app/status-server.js';
import { initialPersistedState, parsePersistedState } from '../app/enclosure-state.js';
import { StateDocument } from '../store/state-document.js';
import { SystemClock } from '../hal/system-clock.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { EXIT, reportFatal } from './exit.js';
import { findController } from './find-controller.js';

/**
 * `terrarium ack`: acknowledges latched faults. Through the running controller when it answers on
 * its socket; otherwise directly in the state file (the controller is stopped, nothing races).
 */
export async function ackCommand(
  opts: { config?: string; enclosure?: string },
  out: NodeJS.WritableStream = process.stdout,
  io: { stderr?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; platform?: Platform } = {},
): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const platform = io.platform ?? createPlatform({ env: io.env });
  try {
    const found = findController(opts, io.env ?? process.env, platform);
    if (!found.target) {
      stderr.write(`terrarium: no controller found (looked at ${found.looked.join(' and ')}); pass --config FILE\n`);
      return EXIT.runtime;
    }
    const { stateDir, socket } = found.target;
    const known = opts.config !== undefined ? loadConfig(opts.config).enclosures.map((e) => e.id) : undefined;
    if (opts.enclosure && known && !known.includes(opts.enclosure)) {
      stderr.write(`terrarium: unknown enclosure "${opts.enclosure}" (known: ${known.join(', ')})\n`);
      return EXIT.usage;
    }
    try {
      const res = await queryStatusSocket(socket, { cmd: 'ack', ...(opts.enclosure ? { enclosureId: opts.enclosure } : {}) });
      out.write(`${JSON.stringify(res)}\n`);
      return EXIT.ok;
    } catch {
      /* not running: edit the state file */
    }
    const doc = new StateDocument(join(stateDir, 'state.json'), parsePersistedState, initialPersistedState);
    doc.load();
    const now = new SystemClock().now();
    doc.update((s) => {
      const enclosures = { ...s.enclosures };
      for (const [id, e] of Object.entries(enclosures)) {
        if (opts.enclosure && id !== opts.enclosure) continue;
        const { state, cleared } = acknowledgeFaults(e.guard, now);
        enclosures[id] = { ...e, guard: state };
        out.write(`${id}: ${cleared.length ? `acknowledged ${cleared.map((f) => `${f.kind} (${f.component})`).join(', ')}` : 'no latched faults'}\n`);
      }
      return { ...s, enclosures };
    });
    return EXIT.ok;
  } catch (e) {
    return reportFatal(e, stderr);
  }
}
