/**
 * A package as the loader hands it to the interpreter: validated, expressions compiled, references
 * resolved, frozen. Nothing here is parsed again at run time.
 */
import type { CompiledExpression, CompiledValue } from './expressions/index.js';
import type { ActionDef, ConnectorDef, PollTriggerDef } from './types.js';

export interface PropertyDecl {
  name: string;
  title: string;
  description?: string;
  /** What a value must be; checked at `properties set` and when a job resolves the properties. */
  type: PropertyType;
  secret: boolean;
  required: boolean;
  default?: string | number | boolean;
  /** The allowed values of an `enum` (package.yaml: `values`, or the older `enum` list). */
  values?: readonly (string | number)[];
  /** Bounds of a `number` or `integer`. */
  min?: number;
  max?: number;
  /** A good value, quoted in errors. */
  example?: string | number | boolean;
}

export const PROPERTY_TYPES = ['string', 'secret', 'url', 'number', 'integer', 'boolean', 'enum', 'phone_region'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export interface ConnectionModel {
  name: string;
  title: string;
  description?: string;
  connector: ConnectorDef;
  auth: 'none' | 'basic' | 'bearer';
  settings: CompiledValue;
  /** Properties the settings read, so a missing one is named before any call is made. */
  properties: ReadonlySet<string>;
  file: string;
}

interface StepBase {
  id: string;
  title?: string;
  /** `file:line:col` of the step, for error reports. */
  where: string;
}

export interface ActionStep extends StepBase {
  kind: 'action';
  connection: string;
  actionName: string;
  action: ActionDef;
  input: CompiledValue;
  /** Per-record expressions of the input (schema `x-record`), by their text: see loader/record-expressions.ts. */
  records?: Readonly<Record<string, CompiledExpression>>;
}

export interface IfStep extends StepBase {
  kind: 'if';
  condition: CompiledExpression;
  then: readonly Step[];
  else: readonly Step[];
}

export interface ForeachStep extends StepBase {
  kind: 'foreach';
  items: CompiledExpression;
  as: string;
  index?: string;
  concurrency: number;
  onItemError: 'stop' | 'continue';
  breakOn: ReadonlySet<string>;
  steps: readonly Step[];
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  factor: number;
  on?: ReadonlySet<string>;
}

export interface TryStep extends StepBase {
  kind: 'try';
  body: readonly Step[];
  retry?: RetryPolicy;
  catch: readonly Step[];
}

export interface StopStep extends StepBase {
  kind: 'stop';
  status: 'succeeded' | 'failed';
  message: CompiledValue;
}

export interface SetStep extends StepBase {
  kind: 'set';
  values: CompiledValue;
}

export type Step = ActionStep | IfStep | ForeachStep | TryStep | StopStep | SetStep;

export type TriggerModel =
  | { type: 'manual' }
  | { type: 'schedule'; everyMs: number }
  | {
      type: 'poll';
      connection: string;
      source: string;
      trigger: PollTriggerDef;
      everyMs: number;
      batch: number;
      input: CompiledValue;
    }
  | { type: 'webhook'; path: string; secret: CompiledExpression };

export interface RecipeModel {
  name: string;
  title: string;
  description?: string;
  needs: string[];
  trigger: TriggerModel;
  steps: readonly Step[];
  summary?: CompiledValue;
  /** Every property the recipe and the connections it uses read. */
  properties: ReadonlySet<string>;
  /** Connections the recipe uses (steps and trigger). */
  connections: ReadonlySet<string>;
  file: string;
}

export interface PackageModel {
  dir: string;
  name: string;
  title: string;
  description?: string;
  /** `version` in package.yaml, when given. */
  version?: string;
  properties: Readonly<Record<string, PropertyDecl>>;
  connections: Readonly<Record<string, ConnectionModel>>;
  recipes: Readonly<Record<string, RecipeModel>>;
  /** Declared id mappings (`mappings.<name>` in expressions). */
  mappings: readonly string[];
  /** Recipe names in package.yaml order. */
  recipeOrder: readonly string[];
}

/** Names the engine puts in every expression scope; step ids and loop names may not shadow them. */
export const RESERVED_NAMES = ['properties', 'trigger', 'vars', 'mappings', 'job', 'error'] as const;

export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
