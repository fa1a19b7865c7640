import { expect } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';

/** The issues `parseConfig` reports for `raw` (as if read from config/simulated.json); fails the test when it is accepted. */
export function issuesOf(raw: unknown): ConfigIssue[] {
  try {
    parseConfig(raw, 'config/simulated.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected the configuration to be rejected');
}
