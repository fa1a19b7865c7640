import { TerrariumError } from '../errors.js';

/** One problem in the configuration: where (`enclosures[0].actuators[1].output.pin`) and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The configuration is invalid. `issues` lists every problem found (not just the first); the CLI
 * prints them one per line and exits with code 2.
 */
export class ConfigError extends TerrariumError {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super('CONFIG_INVALID', `invalid configuration ${file}:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

/** Formats a zod/JSON path as `enclosures[0].heater.pin`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
