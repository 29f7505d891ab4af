/**
 * Turns a recipe's YAML steps into the step model: each step checked against its kind's schema, its
 * expressions compiled, and every name an expression reads checked against what runs before it.
 */
import { compileExpression, compileValue, ExpressionError, WHOLE_SCOPE, type CompiledExpression, type CompiledValue } from '../expressions/index.js';
import { parseDuration, RESERVED_NAMES, type ConnectionModel, type Step } from '../model.js';
import type { ConnectorDef, JsonSchema } from '../types.js';
import { frozen, frozenSet } from './freeze.js';
import { findRecordExpressions, recordTable } from './record-expressions.js';
import { fromPointer, type Problem } from './problem.js';
import { checkSecretReads } from './secret-reads.js';
import { stepKinds, stepSchemas } from './schemas.js';
import type { YamlSource } from './source.js';
import { check, closest } from './validate.js';

type Path = (string | number)[];

export interface StepContext {
  source: YamlSource;
  connectors: ReadonlyMap<string, ConnectorDef>;
  connections: Readonly<Record<string, ConnectionModel>>;
  declaredProperties: ReadonlySet<string>;
  problems: Problem[];
  /** Every step id in the recipe, found in a first pass, to tell "later step" from "unknown name". */
  allIds: ReadonlySet<string>;
  seenIds: Map<string, Path>;
  usedProperties: Set<string>;
  usedConnections: Set<string>;
  /** Secret property names, set for recipe expressions only (connection settings may read secrets). */
  secretProperties?: ReadonlySet<string>;
}

const EMPTY_VALUE: CompiledValue = compileValue({});

/** Collects step ids depth-first, for the "does not run before" check. */
export function collectIds(steps: unknown, into = new Set<string>()): Set<string> {
  if (!Array.isArray(steps)) return into;
  for (const step of steps) {
    if (!step || typeof step !== 'object') continue;
    const s = step as Record<string, unknown>;
    if (typeof s.id === 'string') into.add(s.id);
    for (const key of ['then', 'else', 'steps', 'try', 'catch']) collectIds(s[key], into);
  }
  return into;
}

function expressionProblem(ctx: StepContext, path: Path, error: unknown): void {
  if (!(error instanceof ExpressionError)) throw error;
  const listed = error.details.problems as { path: string; position?: number; message: string; code: string }[] | undefined;
  const problems = listed ?? [{ path: typeof error.details.path === 'string' ? error.details.path : '', position: error.details.position, message: error.message, code: error.code }];
  for (const p of problems) {
    const full = [...path, ...fromPointer(p.path)];
    // Point at the offending character when the YAML text allows it; the message's " at N" is then redundant.
    const exact = p.position === undefined ? undefined : ctx.source.positionInString(full, p.position + 1);
    const message = exact ? p.message.replace(new RegExp(` at ${p.position}$`), '') : p.message;
    ctx.problems.push({ ...ctx.source.problem(full, message, p.code), ...exact });
  }
}

function checkNames(ctx: StepContext, path: Path, refs: ReadonlySet<string>, props: ReadonlySet<string>, visible: ReadonlySet<string>): void {
  for (const ref of refs) {
    // WHOLE_SCOPE: the expression reads `$` itself; nothing to check by name.
    if (visible.has(ref) || ref === WHOLE_SCOPE) continue;
    if (ctx.allIds.has(ref)) {
      ctx.problems.push(ctx.source.problem(path, `uses the output of step '${ref}', which does not run before this step`, 'STEP_ORDER'));
    } else {
      const known = [...visible].sort().join(', ');
      ctx.problems.push(ctx.source.problem(path, `unknown name '${ref}' (known here: ${known})`, 'UNKNOWN_NAME'));
    }
  }
  for (const prop of props) {
    ctx.usedProperties.add(prop);
    if (!ctx.declaredProperties.has(prop)) {
      ctx.problems.push(ctx.source.problem(path, `property '${prop}' is not declared in package.yaml`, 'UNDECLARED_PROPERTY'));
    }
  }
}

export function compileExpr(ctx: StepContext, path: Path, source: string, visible: ReadonlySet<string>): CompiledExpression | undefined {
  try {
    const expr = compileExpression(source.slice(1));
    checkNames(ctx, path, expr.refs, expr.properties, visible);
    checkSecretReads(ctx, path, expr);
    return expr;
  } catch (error) {
    expressionProblem(ctx, path, error);
    return undefined;
  }
}

export function compileVal(ctx: StepContext, path: Path, value: unknown, visible: ReadonlySet<string>): CompiledValue {
  try {
    const compiled = compileValue(value ?? {});
    // Each expression is checked where it stands, so a problem points at its own field.
    for (const { path: at, expr } of compiled.expressions) {
      checkNames(ctx, [...path, ...fromPointer(at)], expr.refs, expr.properties, visible);
      checkSecretReads(ctx, [...path, ...fromPointer(at)], expr);
    }
    return compiled;
  } catch (error) {
    expressionProblem(ctx, path, error);
    return EMPTY_VALUE;
  }
}

/** Validates literal parts of an input against a schema; expression-valued fields are checked at run time. */
export function checkInput(ctx: StepContext, path: Path, value: unknown, compiled: CompiledValue, schema: JsonSchema, code: string): void {
  const exprPaths = compiled.expressions.map((e) => e.path);
  const ignore = (pointer: string) => exprPaths.some((p) => pointer === p || pointer.startsWith(p + '/') || p.startsWith(pointer + '/'));
  ctx.problems.push(...check(schema, value ?? {}, ctx.source, path, code, ignore));
}

function resolveConnection(ctx: StepContext, path: Path, connector: string, named: unknown): string | undefined {
  if (ctx.connectors.get(connector)?.connectionless) return '';
  const candidates = Object.values(ctx.connections).filter((c) => c.connector.name === connector);
  if (typeof named === 'string') {
    const conn = ctx.connections[named];
    if (!conn) ctx.problems.push(ctx.source.problem([...path, 'connection'], `unknown connection '${named}'`, 'UNKNOWN_CONNECTION'));
    else if (conn.connector.name !== connector) {
      ctx.problems.push(ctx.source.problem([...path, 'connection'], `connection '${named}' uses connector '${conn.connector.name}', not '${connector}'`, 'WRONG_CONNECTION'));
    } else return named;
    return undefined;
  }
  if (candidates.length === 1) return (candidates[0] as ConnectionModel).name;
  const why = candidates.length === 0 ? `the package has no connection for connector '${connector}'` : `several connections use connector '${connector}'; name one with 'connection:'`;
  ctx.problems.push(ctx.source.problem(path, why, 'NO_CONNECTION'));
  return undefined;
}

/** Finds the connector operation named `connector.op` in `kind` ('actions' or 'triggers'). */
export function findOperation(ctx: StepContext, path: Path, ref: string, kind: 'actions' | 'triggers') {
  const [connectorName, op] = ref.split('.') as [string, string];
  const connector = ctx.connectors.get(connectorName);
  if (!connector) {
    const known = [...ctx.connectors.keys()].join(', ');
    ctx.problems.push(ctx.source.problem(path, `unknown connector '${connectorName}' (known: ${known})`, 'UNKNOWN_CONNECTOR'));
    return undefined;
  }
  const table = (kind === 'actions' ? connector.actions : connector.triggers) ?? {};
  const def = table[op];
  if (!def) {
    const known = Object.keys(table).join(', ') || 'none';
    const noun = kind === 'actions' ? 'action' : 'trigger';
    ctx.problems.push(ctx.source.problem(path, `connector '${connectorName}' has no ${noun} '${op}' (${kind}: ${known})`, 'UNKNOWN_ACTION'));
    return undefined;
  }
  return { connector, op, def };
}

/** Every key some step kind allows, so a misspelt kind key can be told from a key that is merely misplaced. */
const stepKeys = new Set(Object.values(stepSchemas).flatMap((schema) => Object.keys((schema.properties as object | undefined) ?? {})));

function kindOf(ctx: StepContext, step: Record<string, unknown>, path: Path): string | undefined {
  const kinds = stepKinds.filter((k) => k in step);
  if (kinds.length === 1) return kinds[0];
  if (kinds.length === 0) {
    const misspelt = Object.keys(step).flatMap((key) => {
      const guess = stepKeys.has(key) ? undefined : closest(key, stepKinds);
      return guess ? [[key, guess] as const] : [];
    });
    for (const [key, guess] of misspelt) {
      ctx.problems.push(ctx.source.problem([...path, key], `unknown key '${key}' (did you mean '${guess}'?)`, 'STEP_KIND', true));
    }
    if (misspelt.length > 0) return undefined;
  }
  const message = kinds.length === 0 ? `a step needs one of the keys: ${stepKinds.join(', ')}` : `a step has one kind, but this one has ${kinds.map((k) => `'${k}'`).join(' and ')}`;
  ctx.problems.push(ctx.source.problem(path, message, 'STEP_KIND'));
  return undefined;
}

export function compileSteps(ctx: StepContext, list: unknown, path: Path, visibleIn: ReadonlySet<string>): readonly Step[] {
  const visible = new Set(visibleIn);
  const out: Step[] = [];
  if (!Array.isArray(list)) return frozen(out);
  list.forEach((raw, i) => {
    const here = [...path, i];
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      ctx.problems.push(ctx.source.problem(here, 'a step must be a map of keys', 'STEP_KIND'));
      return;
    }
    const step = compileStep(ctx, raw as Record<string, unknown>, here, visible);
    if (!step) return;
    out.push(step);
    visible.add(step.id);
    // Outputs of steps inside if/else and try/catch stay addressable after them (undefined when they did not run);
    // a foreach body's outputs are per item and are not.
    if (step.kind === 'if' || step.kind === 'try') collectIds((raw as Record<string, unknown>)[step.kind === 'if' ? 'then' : 'try'], visible);
    if (step.kind === 'if') collectIds((raw as Record<string, unknown>).else, visible);
    if (step.kind === 'try') collectIds((raw as Record<string, unknown>).catch, visible);
  });
  return frozen(out);
}

function compileStep(ctx: StepContext, s: Record<string, unknown>, path: Path, visible: ReadonlySet<string>): Step | undefined {
  const kind = kindOf(ctx, s, path);
  if (!kind) return undefined;
  const before = ctx.problems.length;
  ctx.problems.push(...check(stepSchemas[kind] as JsonSchema, withoutNested(s), ctx.source, path, 'SCHEMA'));
  if (ctx.problems.length > before) return undefined;
  const id = s.id as string;
  if ((RESERVED_NAMES as readonly string[]).includes(id)) {
    ctx.problems.push(ctx.source.problem([...path, 'id'], `'${id}' is a reserved name; choose another step id`, 'DUPLICATE_ID'));
  }
  const first = ctx.seenIds.get(id);
  if (first) {
    const pos = ctx.source.position([...first, 'id']);
    ctx.problems.push(ctx.source.problem([...path, 'id'], `duplicate step id '${id}' (first used at line ${pos.line})`, 'DUPLICATE_ID'));
  } else ctx.seenIds.set(id, path);
  const pos = ctx.source.position(path);
  const base = { id, title: s.title as string | undefined, where: `${ctx.source.file}:${pos.line}:${pos.col}` };

  switch (kind) {
    case 'action': {
      const found = findOperation(ctx, [...path, 'action'], s.action as string, 'actions');
      const perRecord = found ? findRecordExpressions(found.def.input, s.input, [...path, 'input'], ctx.source, ctx.problems) : undefined;
      const input = compileVal(ctx, [...path, 'input'], perRecord ? perRecord.value : s.input, visible);
      if (!found) return undefined;
      checkInput(ctx, [...path, 'input'], s.input, input, found.def.input, 'INPUT');
      const records: [string, CompiledExpression][] = [];
      for (const site of perRecord?.sites ?? []) {
        const expr = compileExpr(ctx, site.path, site.source, new Set(visible).add(site.name));
        if (expr) records.push([site.source, expr]);
      }
      const connection = resolveConnection(ctx, path, found.connector.name, s.connection);
      if (connection === undefined) return undefined;
      if (connection) ctx.usedConnections.add(connection);
      // found.def is the connector's own action definition: referenced, not frozen.
      return frozen({ ...base, kind: 'action', connection, actionName: s.action as string, action: found.def as never, input, ...(records.length > 0 ? { records: recordTable(records) } : {}) });
    }
    case 'if': {
      const condition = compileExpr(ctx, [...path, 'if'], s.if as string, visible);
      const then = compileSteps(ctx, s.then, [...path, 'then'], visible);
      const other = compileSteps(ctx, s.else, [...path, 'else'], visible);
      return condition && frozen({ ...base, kind: 'if', condition, then, else: other });
    }
    case 'foreach': {
      const items = compileExpr(ctx, [...path, 'foreach'], s.foreach as string, visible);
      const inner = new Set(visible).add(s.as as string);
      if (typeof s.index === 'string') inner.add(s.index);
      const steps = compileSteps(ctx, s.steps, [...path, 'steps'], inner);
      return (
        items &&
        frozen({
          ...base,
          kind: 'foreach',
          items,
          as: s.as as string,
          index: s.index as string | undefined,
          concurrency: (s.concurrency as number | undefined) ?? 1,
          onItemError: (s.on_item_error as 'stop' | 'continue' | undefined) ?? 'stop',
          breakOn: frozenSet((s.break_on as string[] | undefined) ?? []),
          steps,
        })
      );
    }
    case 'try': {
      const body = compileSteps(ctx, s.try, [...path, 'try'], visible);
      const handler = compileSteps(ctx, s.catch, [...path, 'catch'], new Set(visible).add('error'));
      const r = s.retry as { attempts: number; backoff?: string; factor?: number; on?: string[] } | undefined;
      const retry = r && frozen({ attempts: r.attempts, backoffMs: parseDuration(r.backoff ?? '1s'), factor: r.factor ?? 2, on: r.on && frozenSet(r.on) });
      return frozen({ ...base, kind: 'try', body, retry, catch: handler });
    }
    case 'stop': {
      const spec = s.stop as { status: 'succeeded' | 'failed'; message?: string };
      const message = compileVal(ctx, [...path, 'stop', 'message'], spec.message ?? '', visible);
      return frozen({ ...base, kind: 'stop', status: spec.status, message });
    }
    default: {
      const values = compileVal(ctx, [...path, 'set'], s.set, visible);
      return frozen({ ...base, kind: 'set', values });
    }
  }
}

/** The step without its nested step lists, which are checked step by step on their own. */
function withoutNested(s: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...s };
  for (const key of ['then', 'else', 'steps', 'try', 'catch']) {
    if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).map(() => ({}));
  }
  return copy;
}
