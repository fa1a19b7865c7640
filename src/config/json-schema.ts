import { z } from 'zod';
import { SpeciesProfileSchema } from './profile-schema.js';
import { ConfigFileSchema } from './schema.js';

/**
 * JSON Schema (draft 2020-12) of the configuration file and of species profiles, generated from the
 * zod schemas (the one source of truth), for editors (`"$schema": "./terrarium.schema.json"`).
 * `config/terrarium.schema.json` and `config/species.schema.json` are kept current by a test.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export function profileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SpeciesProfileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Every property name that appears anywhere in a JSON Schema (for the documentation check). */
export function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) propertyNames(s, out);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' && v && typeof v === 'object') for (const name of Object.keys(v)) out.add(name);
      propertyNames(v, out);
    }
  }
  return out;
}
