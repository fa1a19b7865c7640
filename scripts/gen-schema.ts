// Writes the JSON Schemas generated from the zod schemas (editors; kept current by test/config/json-schema.test.ts).
import { writeFileSync } from 'node:fs';
import { configJsonSchema, profileJsonSchema } from '../src/config/json-schema.js';

writeFileSync('config/terrarium.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
writeFileSync('config/species.schema.json', `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote config/terrarium.schema.json and config/species.schema.json\n');
