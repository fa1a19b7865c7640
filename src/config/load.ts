import { readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { crossCheck, type CrossCheckInput } from './cross-checks.js';
import { ActuatorSchema, type EnclosureConfigInput, EnclosureSchema, SensorSchema, WaterLevelSchema } from './enclosure-schema.js';
import { ConfigError, type ConfigIssue, formatPath } from './errors.js';
import { type SpeciesProfile, SpeciesProfileSchema } from './profile-schema.js';
import { FORBIDDEN_KEYS, scanRaw } from './raw-scan.js';
import { type ConfigFile, ConfigFileSchema, ControllerSchema } from './schema.js';

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
  const out: ConfigIssue[] = [];
  for (const i of issues) {
    let message = i.message;
    if (i.code === 'unrecognized_keys') {
      // Forbidden keys are reported by scanRaw, with their own reason.
      const keys = i.keys.filter((k) => !FORBIDDEN_KEYS.has(k));
      if (!keys.length) continue;
      message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
    }
    out.push({ path: formatPath([...prefix, ...i.path]), message });
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for profile overrides: objects merge key by key, arrays and scalars replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) if (!FORBIDDEN_KEYS.has(k)) out[k] = deepMerge(base[k], v);
  return out;
}

function hasPath(obj: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur: unknown = obj;
  for (const seg of path) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return false;
    if (!Object.hasOwn(cur as object, String(seg))) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return true;
}

/** Reads and JSON-parses a species profile file (unvalidated). Throws ConfigIssue[] on failure. */
function readProfile(speciesDir: string, id: string, at: string): unknown {
  const file = join(speciesDir, `${id}.json`);
  let text: string;
  try {
    text = stripBom(readFileSync(file, 'utf8'));
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

/** The byte-order mark some Windows editors put at the start of a UTF-8 file; JSON.parse rejects it. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Pseudo file systems a state directory must never be under: writes there fail in odd ways or
 * never complete (procfs, sysfs, devfs).
 */
const FORBIDDEN_STATE_ROOTS = ['/proc', '/sys', '/dev'];

/** The issue for a state directory under a pseudo file system, or undefined. `dir` is absolute. */
function stateDirIssue(dir: string): ConfigIssue | undefined {
  const norm = posix.normalize(dir.replaceAll('\\', '/'));
  const root = FORBIDDEN_STATE_ROOTS.find((r) => norm === r || norm.startsWith(`${r}/`));
  return root ? { path: 'controller.stateDir', message: `${dir} is under ${root}, a kernel pseudo file system; choose a directory on a real disk (e.g. /var/lib/terrarium)` } : undefined;
}

/**
 * Everything of an enclosure that passes its own schema, item by item: lets the cross-checks and
 * profile checks run, and report, even when another part of the file has a schema error.
 */
function salvageEnclosures(raw: unknown): Array<(CrossCheckInput['enclosures'][number] & { profile?: string; overrides?: Record<string, unknown> }) | undefined> {
  const list = isPlainObject(raw) && Array.isArray(raw.enclosures) ? (raw.enclosures as unknown[]) : [];
  return list.map((enc) => {
    if (!isPlainObject(enc)) return undefined;
    const items = <T>(v: unknown, schema: z.ZodType<T>): Array<T | undefined> => (Array.isArray(v) ? v.map((x) => (schema.safeParse(x).data as T | undefined)) : []);
    const id = EnclosureSchema.shape.id.safeParse(enc.id);
    const profile = EnclosureSchema.shape.profile.safeParse(enc.profile);
    const overrides = EnclosureSchema.shape.overrides.safeParse(enc.overrides);
    const waterLevel = WaterLevelSchema.safeParse(enc.waterLevel);
    const humidity = EnclosureSchema.shape.humiditySensors.safeParse(enc.humiditySensors);
    return {
      id: id.data,
      sensors: items(enc.sensors, SensorSchema),
      actuators: items(enc.actuators, ActuatorSchema),
      waterLevel: waterLevel.data,
      humiditySensors: humidity.data,
      profile: profile.data,
      overrides: overrides.data,
    };
  });
}

/**
 * Merges and validates species profiles, each (profile, overrides) pair once: 4,000 enclosures
 * naming one profile cost one file read and one validation. Linear in the number of enclosures.
 */
class ProfileResolver {
  private readonly files = new Map<string, unknown>();
  private readonly results = new Map<string, { data?: SpeciesProfile; issues: readonly z.core.$ZodIssue[] }>();

  constructor(private readonly speciesDir: string) {}

  /** The merged profile, or issues (paths under `enclosures[e]`). */
  resolve(profile: string, overrides: Record<string, unknown>, e: number): { data?: SpeciesProfile; issues: ConfigIssue[] } {
    let base = this.files.get(profile);
    if (base === undefined) {
      try {
        base = readProfile(this.speciesDir, profile, `enclosures[${e}].profile`);
      } catch (errs) {
        return { issues: errs as ConfigIssue[] };
      }
      const rawIssues = scanRaw(base, [`profile(${profile})`]);
      if (rawIssues.length) return { issues: rawIssues.map((i) => ({ ...i, path: `enclosures[${e}].${i.path}` })) };
      this.files.set(profile, base);
    }
    const key = `${profile}\u0000${JSON.stringify(overrides)}`;
    let res = this.results.get(key);
    if (!res) {
      const parsed = SpeciesProfileSchema.safeParse(deepMerge(base, overrides));
      res = parsed.success ? { data: parsed.data, issues: [] } : { issues: parsed.error.issues };
      this.results.set(key, res);
    }
    const issues: ConfigIssue[] = [];
    for (const i of res.issues) {
      // Blame the override when the bad field is one the enclosure set, else the profile file.
      const where = hasPath(overrides, i.path) ? ['enclosures', e, 'overrides'] : ['enclosures', e, `profile(${profile})`];
      issues.push(...zodIssues([i], where));
    }
    return { data: res.data, issues };
  }
}

/**
 * Smart-plug outputs talk to their plugs through the MQTT broker of the `mqtt` section; on real
 * hardware a plug output without that section is an error (the simulator has its own broker).
 */
function plugBrokerIssues(raw: unknown, enclosures: CrossCheckInput['enclosures']): ConfigIssue[] {
  const r = isPlainObject(raw) ? raw : {};
  const sim = isPlainObject(r.hardware) && r.hardware.backend === 'sim';
  if (sim || r.mqtt !== undefined) return [];
  const out: ConfigIssue[] = [];
  enclosures.forEach((enc, e) =>
    enc?.actuators.forEach((a, i) => {
      if (a && a.kind !== 'feeder' && (a.output.type === 'tasmota' || a.output.type === 'shelly')) {
        out.push({ path: `enclosures[${e}].actuators[${i}].output`, message: `a ${a.output.type} plug needs the "mqtt" section (its broker) on real hardware` });
      }
    }),
  );
  return out;
}

/**
 * Validates a parsed configuration object: forbidden keys and size limits, schema (unknown keys
 * rejected, defaults applied), cross-checks, species profile merge, state directory. Every stage
 * runs even when an earlier one found problems, so one run lists every issue. Linear in the size
 * of the file. Returns a deeply frozen {@link Config}.
 * @param raw the parsed JSON
 * @param file where it came from (for messages and relative paths)
 * @throws ConfigError listing every issue with its path
 */
export function parseConfig(raw: unknown, file = '<inline>'): Config {
  const baseDir = file === '<inline>' ? process.cwd() : dirname(resolve(file));
  const issues: ConfigIssue[] = scanRaw(raw);
  if (issues.some((i) => i.message.startsWith('nested deeper'))) throw new ConfigError(file, issues);
  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) issues.push(...zodIssues(parsed.error.issues));
  const salvaged = parsed.success ? parsed.data.enclosures : salvageEnclosures(raw);
  issues.push(...crossCheck({ enclosures: salvaged }));
  issues.push(...plugBrokerIssues(raw, salvaged));

  const rawController = isPlainObject(raw) && isPlainObject(raw.controller) ? raw.controller : {};
  const speciesDirOpt = parsed.success ? parsed.data.controller.speciesDir : ControllerSchema.shape.speciesDir.safeParse(rawController.speciesDir).data;
  const profiles = new ProfileResolver(speciesDirOpt ? resolve(baseDir, speciesDirOpt) : defaultSpeciesDir());
  const climates: Array<SpeciesProfile | undefined> = salvaged.map((enc, e) => {
    if (!enc?.profile) return undefined;
    const res = profiles.resolve(enc.profile, enc.overrides ?? {}, e);
    issues.push(...res.issues);
    return res.data;
  });

  const stateDirOpt = parsed.success ? parsed.data.controller.stateDir : ControllerSchema.shape.stateDir.safeParse(rawController.stateDir).data;
  const stateDir = stateDirOpt === undefined ? undefined : isAbsolute(stateDirOpt) ? stateDirOpt : resolve(baseDir, stateDirOpt);
  const dirIssue = stateDir === undefined ? undefined : stateDirIssue(stateDir);
  if (dirIssue) issues.push(dirIssue);
  if (issues.length || !parsed.success || stateDir === undefined) throw new ConfigError(file, issues);

  const cfg = parsed.data;
  const enclosures: EnclosureConfig[] = cfg.enclosures.map((enc, e) => {
    const { overrides: _o, humiditySensors, ...rest } = enc;
    return {
      ...rest,
      climate: climates[e]!,
      humiditySensors: humiditySensors ?? enc.sensors.filter((s) => s.type === 'bme280').map((s) => s.id),
    };
  });
  const config: Config = { ...cfg, controller: { ...cfg.controller, stateDir }, file: file === '<inline>' ? file : resolve(file), enclosures };
  return deepFreeze(config);
}

/**
 * Reads, parses and validates a configuration file (UTF-8, with or without a byte-order mark).
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
    raw = JSON.parse(stripBom(text));
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
