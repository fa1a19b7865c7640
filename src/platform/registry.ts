import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import { processIsAlive, type IsAlive } from './instance-lock.js';
import { stateDirHash, type Platform } from './platform.js';

/** What a running controller announces in the runtime directory, so `terrarium status` finds it without flags. */
export interface RunningController {
  pid: number;
  controllerId: string;
  /** Absolute state directory. */
  stateDir: string;
  /** Status socket address (Unix path or Windows named pipe). */
  socket: string;
  /** Configuration file it runs from (`<builtin simulated>` when none). */
  config: string;
}

/**
 * The per-user runtime registry (`platform.runtimeDir()`): one `<hash of stateDir>.json` per
 * running controller, written at start, removed at stop; entries of dead processes are ignored
 * and cleaned up when listed.
 */
export class ControllerRegistry {
  constructor(
    private readonly platform: Platform,
    private readonly isAlive: IsAlive = processIsAlive,
  ) {}

  /** Announces a running controller. Returns a function that withdraws it (never throws). */
  announce(entry: RunningController): () => void {
    const dir = this.platform.runtimeDir();
    const file = join(dir, `${stateDirHash(entry.stateDir)}.json`);
    ensureDir(dir);
    writeFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    return () => {
      try {
        const cur = JSON.parse(readFileSync(file, 'utf8')) as RunningController;
        if (cur.pid === entry.pid) rmSync(file, { force: true });
      } catch {
        /* already gone */
      }
    };
  }

  /** Controllers announced and still alive, oldest file order; removes entries of dead processes. */
  list(): RunningController[] {
    const dir = this.platform.runtimeDir();
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const out: RunningController[] = [];
    for (const n of names.sort()) {
      const file = join(dir, n);
      try {
        const e = JSON.parse(readFileSync(file, 'utf8')) as RunningController;
        if (typeof e.pid === 'number' && this.isAlive(e.pid)) out.push(e);
        else rmSync(file, { force: true });
      } catch {
        /* unreadable or vanished: skip */
      }
    }
    return out;
  }
}
