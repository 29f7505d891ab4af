/**
 * Every JSON Schema the engine validates with for a connector registry: the package format's, and each
 * connector's settings and operation inputs, the built-ins' included. The build writes ajv's standalone code
 * for these (scripts/write-validators.js; see schema-validator.ts).
 */
import { mappingsConnector } from '../builtins/mappings.js';
import { recordsConnector } from '../builtins/records/index.js';
import type { ConnectorRegistry, JsonSchema } from '../types.js';
import { connectionSchema, packageSchema, recipeSchema, stepSchemas } from './schemas.js';

export function knownSchemas(registry: ConnectorRegistry): JsonSchema[] {
  const schemas = [packageSchema, connectionSchema, recipeSchema, ...Object.values(stepSchemas)];
  for (const connector of [...registry, recordsConnector, mappingsConnector(new Set())]) {
    schemas.push(connector.settings);
    for (const op of [...Object.values(connector.actions), ...Object.values(connector.triggers ?? {})]) schemas.push(op.input);
  }
  return schemas;
}
