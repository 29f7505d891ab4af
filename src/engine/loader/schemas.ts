/**
 * The package format, described once. The loader validates with these; `npm run build` writes them to
 * `schemas/*.schema.json` for editors (yaml-language-server), combining the step kinds with `anyOf`.
 * Steps are validated kind by kind (the kind is the key that names it) so errors speak of one kind,
 * not of every alternative a `oneOf` tried.
 */
import { PROPERTY_TYPES } from '../model.js';
import type { JsonSchema } from '../types.js';

const name = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', description: 'lower-case letters, digits, - and _' };
const stepId = { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', description: 'lower-case letters, digits and _' };
const expression = { type: 'string', pattern: '^=', description: 'an expression: a string starting with =' };
const text = { type: 'string', minLength: 1 };
const duration = {
  type: 'string',
  pattern: '^[0-9]+(ms|s|m|h)$',
  description: 'a duration such as 500ms, 30s, 5m or 1h',
};
const stepList = { type: 'array', minItems: 1, items: { type: 'object' } };

export const packageSchema: JsonSchema = {
  $id: 'https://recipes.local/schemas/package.schema.json',
  title: 'package.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'title', 'properties', 'connections', 'recipes'],
  properties: {
    kind: { const: 'package' },
    name,
    title: text,
    description: { type: 'string' },
    version: { type: 'string' },
    properties: {
      type: 'object',
      propertyNames: { pattern: '^[a-z][a-z0-9_]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['title'],
        properties: {
          title: text,
          description: { type: 'string' },
          type: {
            enum: [...PROPERTY_TYPES],
            description: 'what a value must be, checked at `properties set` and at use: url is http(s) only, phone_region an ISO 3166 country code, enum one of `values`',
          },
          secret: { type: 'boolean', default: false },
          required: { type: 'boolean', default: false },
          default: { type: ['string', 'number', 'boolean'] },
          values: { type: 'array', minItems: 1, items: { type: ['string', 'integer'] }, description: 'the allowed values of an enum' },
          enum: { type: 'array', minItems: 1, items: { type: ['string', 'integer'] }, description: 'the allowed values (same as type: enum with values)' },
          min: { type: 'number', description: 'smallest allowed number or integer' },
          max: { type: 'number', description: 'largest allowed number or integer' },
          example: { type: ['string', 'number', 'boolean'], description: 'a good value, quoted in errors' },
        },
        allOf: [{ if: { required: ['type'], properties: { type: { const: 'enum' } } }, then: { anyOf: [{ required: ['values'] }, { required: ['enum'] }] } }],
      },
    },
    connections: { type: 'array', items: name, uniqueItems: true },
    recipes: { type: 'array', items: name, uniqueItems: true },
    mappings: {
      type: 'array',
      items: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
      uniqueItems: true,
      description: 'names of the id mappings recipes read as mappings.<name> and write with mappings.put',
    },
  },
};

export const connectionSchema: JsonSchema = {
  $id: 'https://recipes.local/schemas/connection.schema.json',
  title: 'connection',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'title', 'connector'],
  properties: {
    kind: { const: 'connection' },
    name,
    title: text,
    description: { type: 'string' },
    connector: name,
    auth: { enum: ['none', 'basic', 'bearer'], default: 'none', description: 'authentication type as the admin sees it' },
    settings: { type: 'object', default: {} },
  },
};

const trigger = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['manual', 'schedule', 'poll', 'webhook'] } },
  allOf: [
    {
      if: { properties: { type: { const: 'manual' } } },
      then: { additionalProperties: false, properties: { type: {} } },
    },
    {
      if: { properties: { type: { const: 'schedule' } } },
      then: { additionalProperties: false, required: ['every'], properties: { type: {}, every: duration } },
    },
    {
      if: { properties: { type: { const: 'poll' } } },
      then: {
        additionalProperties: false,
        required: ['source', 'every'],
        properties: {
          type: {},
          source: { type: 'string', pattern: '^[a-z][a-z0-9_-]*\\.[a-z][a-z0-9_]*$', description: 'connector.trigger' },
          connection: name,
          every: duration,
          input: { type: 'object' },
          batch: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        },
      },
    },
    {
      if: { properties: { type: { const: 'webhook' } } },
      then: {
        additionalProperties: false,
        required: ['path', 'secret'],
        properties: { type: {}, path: { type: 'string', pattern: '^/[a-z0-9/_-]*$' }, secret: expression },
      },
    },
  ],
};

export const recipeSchema: JsonSchema = {
  $id: 'https://recipes.local/schemas/recipe.schema.json',
  title: 'recipe',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'title', 'trigger', 'steps'],
  properties: {
    kind: { const: 'recipe' },
    name,
    title: text,
    description: { type: 'string' },
    needs: { type: 'array', items: name, uniqueItems: true },
    trigger,
    steps: stepList,
    summary: { type: 'object', additionalProperties: { type: 'string' }, description: 'job summary: label -> expression' },
  },
};

const common = { id: stepId, title: { type: 'string' }, description: { type: 'string' } };

/** One schema per step kind; the key named in `key` decides the kind. */
export const stepSchemas: Record<string, JsonSchema> = {
  action: {
    title: 'action step',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'action'],
    properties: {
      ...common,
      action: { type: 'string', pattern: '^[a-z][a-z0-9_-]*\\.[a-z][a-z0-9_]*$', description: 'connector.action' },
      connection: name,
      input: { type: 'object' },
    },
  },
  if: {
    title: 'if step',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'if', 'then'],
    properties: { ...common, if: expression, then: stepList, else: stepList },
  },
  foreach: {
    title: 'foreach step',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'foreach', 'as', 'steps'],
    properties: {
      ...common,
      foreach: expression,
      as: stepId,
      index: stepId,
      concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 1 },
      on_item_error: { enum: ['stop', 'continue'], default: 'stop' },
      break_on: { type: 'array', items: { type: 'string' }, description: 'error codes that end the loop but not the job' },
      steps: stepList,
    },
  },
  try: {
    title: 'try step',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'try'],
    properties: {
      ...common,
      try: stepList,
      retry: {
        type: 'object',
        additionalProperties: false,
        required: ['attempts'],
        properties: {
          attempts: { type: 'integer', minimum: 1, maximum: 20 },
          backoff: { ...duration, default: '1s' },
          factor: { type: 'number', minimum: 1, maximum: 10, default: 2 },
          on: { type: 'array', items: { type: 'string' }, description: 'error codes to retry; all when absent' },
        },
      },
      catch: stepList,
    },
  },
  stop: {
    title: 'stop step',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'stop'],
    properties: {
      ...common,
      stop: {
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: { status: { enum: ['succeeded', 'failed'] }, message: { type: 'string' } },
      },
    },
  },
  set: {
    title: 'set step',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'set'],
    properties: { ...common, set: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-z_][a-z0-9_]*$' } } },
  },
};

export const stepKinds = Object.keys(stepSchemas);

/** The schema written for editors: recipe steps resolved recursively through `anyOf` of the kinds. */
export function editorRecipeSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const refSteps = { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } };
  for (const [kind, schema] of Object.entries(stepSchemas)) {
    const props = { ...(schema.properties as Record<string, JsonSchema>) };
    for (const key of ['then', 'else', 'steps', 'try', 'catch']) if (props[key]) props[key] = refSteps;
    defs[`${kind}Step`] = { ...schema, properties: props };
  }
  defs.step = { anyOf: stepKinds.map((k) => ({ $ref: `#/$defs/${k}Step` })) };
  const props = { ...(recipeSchema.properties as Record<string, JsonSchema>), steps: refSteps };
  return { ...recipeSchema, properties: props, $defs: defs };
}
