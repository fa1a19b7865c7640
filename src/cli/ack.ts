import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { acknowledgeFaults } from '../control/guard.js';
import { queryStatusSocket } from '../app/status-server.js';
import { initialPersistedState, parsePersistedState } from '../app/enclosure-state.js';
import { StateDocument } from '../store/state-document.js';
import { SystemClock } from '../hal/system-clock.js';
import { EXIT, reportFatal } from './exit.js';

/**
 * `terrarium ack`: acknowledges latched faults. Through the running controller when it answers on
 * its socket; otherwise directly in the state file (the controller is stopped, nothing races).
 */
export async function ackCommand(opts: { config: string; enclosure?: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const config = loadConfig(opts.config);
    if (opts.enclosure && !config.enclosures.some((e) => e.id === opts.enclosure)) {
      process.stderr.write(`terrarium: unknown enclosure "${opts.enclosure}" (known: ${config.enclosures.map((e) => e.id).join(', ')})\n`);
      return EXIT.usage;
    }
    try {
      const res = await queryStatusSocket(join(config.controller.stateDir, 'terrarium.sock'), { cmd: 'ack', ...(opts.enclosure ? { enclosureId: opts.enclosure } : {}) });
      out.write(`${JSON.stringify(res)}\n`);
      return EXIT.ok;
    } catch {
      /* not running: edit the state file */
    }
    const doc = new StateDocument(join(config.controller.stateDir, 'state.json'), parsePersistedState, initialPersistedState);
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
    return reportFatal(e);
  }
}
