/** configs/schema.json must be what `npm run schema` writes from the zod schema today. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_JSON_PATH, renderJsonSchema } from '../../src/config/json-schema.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('configs/schema.json', () => {
  it('is up to date (run `npm run schema` after changing src/config/schema.ts)', () => {
    const committed = readFileSync(path.join(repoRoot, SCHEMA_JSON_PATH), 'utf8');
    expect(committed === renderJsonSchema(), 'configs/schema.json is stale: run `npm run schema`').toBe(true);
  });

  it('says it is generated, forbids unknown keys and documents fields', () => {
    const schema = JSON.parse(renderJsonSchema()) as {
      $comment: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(schema.$comment).toContain('npm run schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['topology']);
    expect(schema.properties['kernel']?.description).toContain('Kernel knobs');
  });
});
