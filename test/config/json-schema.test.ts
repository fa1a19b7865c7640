import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, profileJsonSchema, propertyNames } from '../../src/config/json-schema.js';

describe('configuration documentation stays in sync with the schema', () => {
  it('ships JSON Schemas generated from the current zod schemas (npx tsx scripts/gen-schema.ts)', () => {
    expect(JSON.parse(readFileSync('config/terrarium.schema.json', 'utf8'))).toEqual(configJsonSchema());
    expect(JSON.parse(readFileSync('config/species.schema.json', 'utf8'))).toEqual(profileJsonSchema());
  });

  it('documents every configuration and profile key in docs/configuration.md', () => {
    const section = readFileSync('docs/configuration.md', 'utf8');
    expect(section.length).toBeGreaterThan(1000);
    const keys = new Set([...propertyNames(configJsonSchema()), ...propertyNames(profileJsonSchema())]);
    keys.delete('$schema');
    const undocumented = [...keys].filter((k) => !section.includes(`\`${k}\``) && !new RegExp(`\`[a-zA-Z.]*\\.${k.replace('$', '\\$')}\``).test(section));
    expect(undocumented).toEqual([]);
  });
});
