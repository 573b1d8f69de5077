/**
 * `npm run schema`: writes configs/schema.json from the zod schema. Run it after changing
 * src/config/schema.ts; test/config/schema-json.test.ts fails until you do.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_JSON_PATH, renderJsonSchema } from '../src/config/json-schema.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(repoRoot, SCHEMA_JSON_PATH);
writeFileSync(target, renderJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
