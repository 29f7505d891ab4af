// Writes the package-format JSON Schemas for editors (yaml-language-server) from the loader's own schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connectionSchema, editorRecipeSchema, packageSchema } from '../dist/src/engine/loader/schemas.js';

const dir = new URL('../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of [['package', packageSchema], ['connection', connectionSchema], ['recipe', editorRecipeSchema()]]) {
  writeFileSync(new URL(`${name}.schema.json`, dir), JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, 2) + '\n');
}
