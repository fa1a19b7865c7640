import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { Platform } from '../platform/platform.js';
import { ControllerRegistry } from '../platform/registry.js';
import { defaultConfigPath } from './resolve-config.js';

/** A controller `status` or `ack` talks to: its id, state directory and status socket. */
export interface ControllerTarget {
  controllerId: string;
  /** Absolute state directory (state.json lives here). */
  stateDir: string;
  /** Status socket address. */
  socket: string;
  /** How it was found: `--config`, the default config path, or the runtime registry. */
  via: 'config' | 'default-config' | 'registry';
}

/**
 * Finds the controller for `status`/`ack`, without flags when possible:
 * 1. `--config F`: that configuration's state directory;
 * 2. the default configuration (`$TERRARIUM_CONFIG`, else `/etc/terrarium/config.json`) when it exists
 *    (the installed service);
 * 3. controllers announced in the per-user runtime directory (`terrarium run` from a clone or a
 *    `--simulate` run), first one by state directory hash; `others` lists the rest.
 * @throws ConfigError when a configuration is invalid
 * @returns undefined when nothing was found (`looked` says where it looked)
 */
export function findController(
  o: { config?: string },
  env: NodeJS.ProcessEnv,
  platform: Platform,
  registry = new ControllerRegistry(platform),
): { target?: ControllerTarget; others: ControllerTarget[]; looked: string[] } {
  const fromConfig = (file: string, via: ControllerTarget['via']): ControllerTarget => {
    const c = loadConfig(file);
    return { controllerId: c.controller.id, stateDir: c.controller.stateDir, socket: platform.statusSocketPath(c.controller.stateDir), via };
  };
  if (o.config !== undefined) return { target: fromConfig(o.config, 'config'), others: [], looked: [o.config] };
  const def = defaultConfigPath(env);
  if (existsSync(def)) return { target: fromConfig(def, 'default-config'), others: [], looked: [def] };
  const running = registry.list().map((r): ControllerTarget => ({ controllerId: r.controllerId, stateDir: r.stateDir, socket: r.socket, via: 'registry' }));
  return { target: running[0], others: running.slice(1), looked: [def, platform.runtimeDir()] };
}
