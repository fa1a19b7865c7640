import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { type Config, defaultSpeciesDir, loadConfig, parseConfig } from '../config/load.js';
import type { Platform } from '../platform/platform.js';

/** The configuration file used when `--config` is not given: `$TERRARIUM_CONFIG`, else `/etc/terrarium/config.json`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  return env.TERRARIUM_CONFIG ?? '/etc/terrarium/config.json';
}

/** The shipped simulated configuration, `<package>/config/simulated.json`. */
export function builtinSimulatedConfigPath(): string {
  return join(dirname(defaultSpeciesDir()), 'simulated.json');
}

/** A configuration and how it was found (for messages). */
export interface ResolvedConfig {
  config: Config;
  /** `explicit` (--config), `default` (the default path), `builtin` (shipped simulated config, per-user state). */
  source: 'explicit' | 'default' | 'builtin';
}

/**
 * Finds the configuration for a command: `--config F` when given; else the default path when it
 * exists; else, for simulated runs only, the shipped `config/simulated.json` with its state in the
 * per-user state directory (`platform.userStateDir()/simulated`), so `terrarium run --simulate`
 * works right after a global install, where the package directory is not writable.
 * @throws ConfigError when nothing applies or the file is invalid (exit code 2)
 */
export function resolveConfig(o: { config?: string; simulate?: boolean }, env: NodeJS.ProcessEnv, platform: Platform): ResolvedConfig {
  if (o.config !== undefined) return { config: loadConfig(o.config), source: 'explicit' };
  const def = defaultConfigPath(env);
  if (existsSync(def)) return { config: loadConfig(def), source: 'default' };
  if (!o.simulate) {
    throw new ConfigError(def, [{ path: '', message: 'no configuration file here; pass --config FILE (or --simulate to run the built-in simulated terrarium)' }]);
  }
  const file = builtinSimulatedConfigPath();
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { controller: Record<string, unknown> };
  raw.controller.stateDir = join(platform.userStateDir(), 'simulated');
  return { config: parseConfig(raw, file), source: 'builtin' };
}
