import { readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { crossCheck } from './cross-checks.js';
import type { EnclosureConfigInput } from './enclosure-schema.js';
import { ConfigError, type ConfigIssue, formatPath } from './errors.js';
import { type SpeciesProfile, SpeciesProfileSchema } from './profile-schema.js';
import { type ConfigFile, ConfigFileSchema } from './schema.js';

/** An enclosure after its species profile and overrides are merged and validated. */
export interface EnclosureConfig extends Omit<EnclosureConfigInput, 'overrides' | 'humiditySensors'> {
  /** The merged, validated profile (profile file + `overrides`). */
  climate: SpeciesProfile;
  /** Humidity sensor ids, primary first. */
  humiditySensors: string[];
}

/** The validated, frozen configuration the app is built from. Paths are absolute. */
export interface Config extends Omit<ConfigFile, 'enclosures'> {
  /** Absolute path of the file it came from (or `<inline>`). */
  file: string;
  enclosures: EnclosureConfig[];
}

/** The shipped species directory: `<package>/config/species`. Works from `src/` and `dist/src/`. */
export function defaultSpeciesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      readdirSync(join(dir, 'config', 'species'));
      return join(dir, 'config', 'species');
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('config/species not found next to the package');
}

function zodIssues(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): ConfigIssue[] {
  return issues.map((i) => {
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return { path: formatPath([...prefix, ...i.path]), message };
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for profile overrides: objects merge key by key, arrays and scalars replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function hasPath(obj: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur: unknown = obj;
  for (const seg of path) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return false;
    if (!(String(seg) in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return true;
}

/** Reads and JSON-parses a species profile file (unvalidated). Throws ConfigIssue[] on failure. */
function readProfile(speciesDir: string, id: string, at: string): unknown {
  const file = join(speciesDir, `${id}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    let known: string[] = [];
    try {
      known = readdirSync(speciesDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    } catch {
      /* directory itself missing: reported below */
    }
    throw [{ path: at, message: `unknown species profile "${id}" (no ${file}); known: ${known.join(', ') || 'none'}` }];
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw [{ path: at, message: `species profile ${file} is not valid JSON: ${(e as Error).message}` }];
  }
}

/**
 * Validates a parsed configuration object: schema (unknown keys rejected, defaults applied),
 * cross-checks, species profile merge. Returns a deeply frozen {@link Config}.
 * @param raw the parsed JSON
 * @param file where it came from (for messages and relative paths)
 * @throws ConfigError listing every issue with its path
 */
export function parseConfig(raw: unknown, file = '<inline>'): Config {
  const baseDir = file === '<inline>' ? process.cwd() : dirname(resolve(file));
  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, zodIssues(parsed.error.issues));
  const cfg = parsed.data;
  const issues = crossCheck(cfg);

  const speciesDir = cfg.controller.speciesDir ? resolve(baseDir, cfg.controller.speciesDir) : defaultSpeciesDir();
  const enclosures: EnclosureConfig[] = [];
  cfg.enclosures.forEach((enc, e) => {
    let base: unknown;
    try {
      base = readProfile(speciesDir, enc.profile, `enclosures[${e}].profile`);
    } catch (errs) {
      issues.push(...(errs as ConfigIssue[]));
      return;
    }
    const merged = deepMerge(base, enc.overrides);
    const res = SpeciesProfileSchema.safeParse(merged);
    if (!res.success) {
      for (const i of res.error.issues) {
        // Blame the override when the bad field is one the enclosure set, else the profile file.
        const where = hasPath(enc.overrides, i.path) ? ['enclosures', e, 'overrides'] : ['enclosures', e, `profile(${enc.profile})`];
        issues.push(...zodIssues([i], where));
      }
      return;
    }
    const { overrides: _o, humiditySensors, ...rest } = enc;
    enclosures.push({
      ...rest,
      climate: res.data,
      humiditySensors: humiditySensors ?? enc.sensors.filter((s) => s.type === 'bme280').map((s) => s.id),
    });
  });
  if (issues.length) throw new ConfigError(file, issues);

  const stateDir = isAbsolute(cfg.controller.stateDir) ? cfg.controller.stateDir : resolve(baseDir, cfg.controller.stateDir);
  const config: Config = { ...cfg, controller: { ...cfg.controller, stateDir }, file: file === '<inline>' ? file : resolve(file), enclosures };
  return deepFreeze(config);
}

/**
 * Reads, parses and validates a configuration file.
 * @throws ConfigError when the file is missing, not JSON, or invalid (every issue with its path)
 */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }]);
  }
  return parseConfig(raw, file);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
