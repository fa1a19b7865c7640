import type { ConfigIssue } from './errors.js';
import { formatPath } from './errors.js';
import { LIMITS } from './limits.js';

/** Keys that would reach an object's prototype when merged (`overrides`) or that a reader could confuse with it. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting accepted anywhere in a configuration or profile file (the schemas need 6). */
export const MAX_DEPTH = 32;

/**
 * Checks the raw JSON before any schema sees it, in one iterative pass (linear, no recursion, so a
 * pathological file cannot overflow the stack): forbidden keys (`__proto__`, `constructor`,
 * `prototype`, named with their path), nesting deeper than {@link MAX_DEPTH}, and strings longer
 * than `LIMITS.textChars`. Returns every issue; the caller also runs the schema.
 */
export function scanRaw(raw: unknown, prefix: ReadonlyArray<PropertyKey> = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: raw, path: [...prefix] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > LIMITS.textChars) issues.push({ path: formatPath(path), message: `string of ${value.length} characters (at most ${LIMITS.textChars})` });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length - prefix.length >= MAX_DEPTH) {
      issues.push({ path: formatPath(path), message: `nested deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i];
      if (FORBIDDEN_KEYS.has(k)) {
        issues.push({ path: formatPath([...path, k]), message: `forbidden key "${k}" (reserved JavaScript property name)` });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
  return issues;
}
