/**
 * Loads a package folder: package.yaml, then every other *.yaml as a connection or a recipe. Reports
 * every problem in one pass; returns a frozen model only when there are none (each object frozen as it is
 * built: see freeze.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mappingsConnector } from '../builtins/mappings.js';
import { recordsConnector } from '../builtins/records/index.js';
import { UserError } from '../errors.js';
import { parseDuration, RESERVED_NAMES, type ConnectionModel, type PackageModel, type PropertyDecl, type RecipeModel, type TriggerModel } from '../model.js';
import { RUNTIME_PROPERTIES } from '../runtime-properties.js';
import type { ConnectorDef, ConnectorRegistry, PollTriggerDef } from '../types.js';
import { frozen, frozenList, frozenSet } from './freeze.js';
import { formatProblem, type Problem } from './problem.js';
import { connectionSchema, packageSchema, recipeSchema } from './schemas.js';
import { YamlSource } from './source.js';
import { checkInput, collectIds, compileExpr, compileSteps, compileVal, findOperation, type StepContext } from './steps.js';
import { check } from './validate.js';

export interface LoadResult {
  model?: PackageModel;
  problems: Problem[];
}

export type Doc = Record<string, unknown>;

export function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function loadPackage(dir: string, registry: ConnectorRegistry): LoadResult {
  const manifest = join(dir, 'package.yaml');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { problems: [{ file: display(dir), line: 1, col: 1, path: '', message: 'no such package folder', code: 'PACKAGE_MISSING' }] };
  }
  if (!existsSync(manifest)) {
    return { problems: [{ file: display(manifest), line: 1, col: 1, path: '', message: 'the package has no package.yaml', code: 'PACKAGE_MISSING' }] };
  }
  const problems: Problem[] = [];
  const pkgSource = YamlSource.read(manifest, display(manifest));
  problems.push(...pkgSource.problems);
  const pkg = (pkgSource.data ?? {}) as Doc;
  if (pkgSource.problems.length === 0) problems.push(...check(packageSchema, pkg, pkgSource, [], 'SCHEMA'));

  const connectors = connectorMap(pkg, registry);
  const properties = readProperties(pkg);
  for (const name of Object.keys(RUNTIME_PROPERTIES)) {
    if (properties[name]) problems.push(pkgSource.problem(['properties', name], `'${name}' is a property every project has (the runtime declares it); remove it from package.yaml`, 'DUPLICATE_NAME', true));
  }
  Object.assign(properties, RUNTIME_PROPERTIES);
  const declared = new Set(Object.keys(properties));

  const sources: YamlSource[] = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'package.yaml')
    .sort()
    .map((f) => YamlSource.read(join(dir, f), display(join(dir, f))));
  const connectionDocs: [YamlSource, Doc][] = [];
  const recipeDocs: [YamlSource, Doc][] = [];
  // A file that does not parse or has no kind may be the one a listed name refers to.
  let unidentified = false;
  for (const source of sources) {
    problems.push(...source.problems);
    if (source.problems.length > 0) {
      unidentified = true;
      continue;
    }
    const doc = source.data as Doc;
    const kind = doc && typeof doc === 'object' ? doc.kind : undefined;
    if (kind === 'connection') connectionDocs.push([source, doc]);
    else if (kind === 'recipe') recipeDocs.push([source, doc]);
    else {
      unidentified = true;
      problems.push(source.problem(['kind'], `'kind' must be "connection" or "recipe" (package.yaml is the only package file)`, 'SCHEMA'));
    }
  }

  const connections: Record<string, ConnectionModel> = {};
  for (const [source, doc] of connectionDocs) {
    const conn = loadConnection(source, doc, connectors, declared, problems);
    if (!conn) continue;
    if (connections[conn.name]) problems.push(source.problem(['name'], `a second connection is named '${conn.name}'`, 'DUPLICATE_NAME'));
    else connections[conn.name] = conn;
  }

  const recipes: Record<string, RecipeModel> = {};
  const webhookPaths = new Map<string, string>();
  for (const [source, doc] of recipeDocs) {
    const recipe = loadRecipe(source, doc, connectors, connections, declared, problems, secretNames(properties));
    if (!recipe) continue;
    if (recipes[recipe.name]) problems.push(source.problem(['name'], `a second recipe is named '${recipe.name}'`, 'DUPLICATE_NAME'));
    else recipes[recipe.name] = recipe;
    if (recipe.trigger.type === 'webhook') {
      const other = webhookPaths.get(recipe.trigger.path);
      if (other) problems.push(source.problem(['trigger', 'path'], `webhook path is already used by recipe '${other}'`, 'DUPLICATE_NAME'));
      webhookPaths.set(recipe.trigger.path, recipe.name);
    }
  }

  problems.push(...checkListed(pkgSource, pkg, 'connections', connectionDocs, unidentified), ...checkListed(pkgSource, pkg, 'recipes', recipeDocs, unidentified));
  problems.push(...checkNeeds(recipes, recipeDocs));

  if (problems.length > 0) return { problems: sortProblems(problems) };
  return { model: packageModel(dir, pkg, properties, connections, recipes), problems: [] };
}

/** The frozen model of a package whose parts are built (here, or lazily by checked-package.ts). */
export function packageModel(dir: string, pkg: Doc, properties: Record<string, PropertyDecl>, connections: Record<string, ConnectionModel>, recipes: Record<string, RecipeModel>): PackageModel {
  return frozen({
    dir,
    name: pkg.name as string,
    title: pkg.title as string,
    description: pkg.description as string | undefined,
    version: pkg.version as string | undefined,
    properties: frozen(properties),
    connections: frozen(connections),
    recipes: frozen(recipes),
    mappings: frozenList((pkg.mappings as string[] | undefined) ?? []),
    recipeOrder: frozenList((pkg.recipes as string[]).filter((r) => recipes[r])),
  });
}

/** The connectors a package's files may name: the built-ins (mappings as the package declares them) and the registry's. */
export function connectorMap(pkg: Doc, registry: ConnectorRegistry): Map<string, ConnectorDef> {
  const builtins = [mappingsConnector(new Set(Array.isArray(pkg.mappings) ? (pkg.mappings as string[]) : [])), recordsConnector];
  return new Map([...builtins, ...registry].map((c) => [c.name, c] as [string, ConnectorDef]));
}

/** Loads or throws a UserError (code PACKAGE_INVALID) whose details list every problem. */
export function loadPackageOrThrow(dir: string, registry: ConnectorRegistry): PackageModel {
  const { model, problems } = loadPackage(dir, registry);
  if (model) return model;
  throw packageInvalid(dir, problems);
}

export function packageInvalid(dir: string, problems: Problem[]): UserError {
  return new UserError('PACKAGE_INVALID', `The package at ${display(dir)} is invalid:\n${problems.map(formatProblem).join('\n')}`, {
    details: { problems },
    hint: `Run \`recipes validate ${display(dir)}\` to see every problem.`,
  });
}

export function secretNames(properties: Record<string, PropertyDecl>): Set<string> {
  return new Set(Object.values(properties).filter((p) => p.secret).map((p) => p.name));
}

export function readProperties(pkg: Doc): Record<string, PropertyDecl> {
  const out: Record<string, PropertyDecl> = {};
  const raw = pkg.properties && typeof pkg.properties === 'object' ? (pkg.properties as Record<string, Doc>) : {};
  for (const [name, p] of Object.entries(raw)) {
    if (!p || typeof p !== 'object') continue;
    out[name] = frozen({
      name,
      title: String(p.title ?? name),
      description: p.description as string | undefined,
      // An `enum` list without a type is an enum; `type: secret` is a string kept secret.
      type: (p.type as PropertyDecl['type'] | undefined) ?? (Array.isArray(p.enum) || Array.isArray(p.values) ? 'enum' : 'string'),
      secret: p.secret === true || p.type === 'secret',
      required: p.required === true,
      default: p.default as PropertyDecl['default'],
      values: Array.isArray(p.values ?? p.enum) ? frozenList((p.values ?? p.enum) as (string | number)[]) : undefined,
      min: p.min as number | undefined,
      max: p.max as number | undefined,
      example: p.example as PropertyDecl['example'],
    });
  }
  return out;
}

function stepContext(source: YamlSource, connectors: Map<string, ConnectorDef>, connections: Record<string, ConnectionModel>, declared: Set<string>, problems: Problem[], allIds: Set<string>): StepContext {
  return { source, connectors, connections, declaredProperties: declared, problems, allIds, seenIds: new Map(), usedProperties: new Set(), usedConnections: new Set() };
}

export function loadConnection(source: YamlSource, doc: Doc, connectors: Map<string, ConnectorDef>, declared: Set<string>, problems: Problem[]): ConnectionModel | undefined {
  const before = problems.length;
  problems.push(...check(connectionSchema, doc, source, [], 'SCHEMA'));
  if (problems.length > before) return undefined;
  const connector = connectors.get(doc.connector as string);
  if (!connector) {
    problems.push(source.problem(['connector'], `unknown connector '${String(doc.connector)}' (known: ${[...connectors.keys()].join(', ')})`, 'UNKNOWN_CONNECTOR'));
    return undefined;
  }
  // Settings may read properties only: they are evaluated before any step runs.
  const ctx = stepContext(source, connectors, {}, declared, problems, new Set());
  const settings = compileVal(ctx, ['settings'], doc.settings ?? {}, new Set(['properties']));
  checkInput(ctx, ['settings'], doc.settings ?? {}, settings, connector.settings, 'SETTINGS');
  return frozen({
    name: doc.name as string,
    title: doc.title as string,
    description: doc.description as string | undefined,
    connector,
    auth: (doc.auth as ConnectionModel['auth']) ?? 'none',
    settings,
    properties: frozenSet(ctx.usedProperties),
    file: source.file,
  });
}

export function loadRecipe(
  source: YamlSource,
  doc: Doc,
  connectors: Map<string, ConnectorDef>,
  connections: Record<string, ConnectionModel>,
  declared: Set<string>,
  problems: Problem[],
  secrets: ReadonlySet<string>,
): RecipeModel | undefined {
  const before = problems.length;
  problems.push(...check(recipeSchema, doc, source, [], 'SCHEMA'));
  if (problems.length > before) return undefined;
  const ctx: StepContext = { ...stepContext(source, connectors, connections, declared, problems, collectIds(doc.steps)), secretProperties: secrets };
  const visible = new Set<string>(RESERVED_NAMES.filter((n) => n !== 'error'));
  const trigger = loadTrigger(ctx, doc.trigger as Doc, visible);
  const steps = compileSteps(ctx, doc.steps, ['steps'], visible);
  const summary = doc.summary ? compileVal(ctx, ['summary'], doc.summary, new Set([...visible, ...ctx.seenIds.keys()])) : undefined;
  if (problems.length > before || !trigger) return undefined;
  const props = new Set(ctx.usedProperties);
  for (const name of ctx.usedConnections) for (const p of connections[name]?.properties ?? []) props.add(p);
  return frozen({
    name: doc.name as string,
    title: doc.title as string,
    description: doc.description as string | undefined,
    // Frozen like the rest; typed string[] only because views (runtime's RecipeView) pass it on as is.
    needs: frozenList((doc.needs as string[] | undefined) ?? []) as string[],
    trigger,
    steps,
    summary,
    properties: frozenSet(props),
    connections: frozenSet(ctx.usedConnections),
    file: source.file,
  });
}

function loadTrigger(ctx: StepContext, t: Doc, visible: Set<string>): TriggerModel | undefined {
  switch (t.type) {
    case 'manual':
      return frozen({ type: 'manual' });
    case 'schedule':
      return frozen({ type: 'schedule', everyMs: parseDuration(t.every as string) });
    case 'webhook': {
      // A webhook's secret is a setting like a connection's: the one recipe expression that may read a secret.
      const secret = compileExpr({ ...ctx, secretProperties: undefined }, ['trigger', 'secret'], t.secret as string, new Set(['properties']));
      return secret && frozen({ type: 'webhook', path: t.path as string, secret });
    }
    default: {
      const found = findOperation(ctx, ['trigger', 'source'], t.source as string, 'triggers');
      const input = compileVal(ctx, ['trigger', 'input'], t.input ?? {}, new Set(['properties']));
      if (!found) return undefined;
      checkInput(ctx, ['trigger', 'input'], t.input ?? {}, input, found.def.input, 'INPUT');
      const candidates = Object.values(ctx.connections).filter((c) => c.connector.name === found.connector.name);
      const connection = typeof t.connection === 'string' ? t.connection : candidates.length === 1 ? candidates[0]?.name : undefined;
      if (!connection || !ctx.connections[connection]) {
        ctx.problems.push(ctx.source.problem(['trigger'], `no single connection for connector '${found.connector.name}'; name one with 'connection:'`, 'NO_CONNECTION'));
        return undefined;
      }
      ctx.usedConnections.add(connection);
      visible.add('trigger');
      // found.def is the connector's own trigger definition: referenced, not frozen.
      return frozen({ type: 'poll', connection, source: t.source as string, trigger: found.def as PollTriggerDef, everyMs: parseDuration(t.every as string), batch: (t.batch as number | undefined) ?? 100, input });
    }
  }
}

/** `unsure`: some file could not be identified, so a listed name without a file is not reported (it may be that file). */
function checkListed(pkgSource: YamlSource, pkg: Doc, key: 'connections' | 'recipes', docs: [YamlSource, Doc][], unsure: boolean): Problem[] {
  const listed = Array.isArray(pkg[key]) ? (pkg[key] as string[]) : [];
  const present = new Map(docs.map(([s, d]) => [String(d.name), s]));
  const out: Problem[] = [];
  listed.forEach((name, i) => {
    if (!present.has(name) && !unsure) out.push(pkgSource.problem([key, i], `lists ${key.slice(0, -1)} '${name}', but no file in the package defines it`, 'UNKNOWN_NAME'));
  });
  for (const [name, source] of present) {
    if (!listed.includes(name)) out.push(source.problem(['name'], `${key.slice(0, -1)} '${name}' is not listed under '${key}' in package.yaml`, 'UNLISTED'));
  }
  return out;
}

function checkNeeds(recipes: Record<string, RecipeModel>, docs: [YamlSource, Doc][]): Problem[] {
  const out: Problem[] = [];
  const sourceOf = new Map(docs.map(([s, d]) => [String(d.name), s]));
  const inReportedCycle = new Set<string>();
  for (const recipe of Object.values(recipes)) {
    const source = sourceOf.get(recipe.name) as YamlSource;
    recipe.needs.forEach((need, i) => {
      if (need === recipe.name) out.push(source.problem(['needs', i], 'a recipe cannot need itself', 'NEEDS'));
      else if (!recipes[need] && !sourceOf.has(need)) out.push(source.problem(['needs', i], `needs unknown recipe '${need}'`, 'NEEDS'));
    });
    // A cycle is reported once, at its first recipe, not again at every member.
    const cycle = inReportedCycle.has(recipe.name) || recipe.needs.includes(recipe.name) ? undefined : findCycle(recipe.name, recipes, []);
    cycle?.forEach((n) => inReportedCycle.add(n));
    if (cycle) out.push(source.problem(['needs'], `needs form a cycle: ${cycle.join(' -> ')}`, 'NEEDS'));
  }
  return out;
}

function findCycle(name: string, recipes: Record<string, RecipeModel>, trail: string[]): string[] | undefined {
  if (trail.includes(name)) return trail[0] === name ? [...trail, name] : undefined;
  for (const need of recipes[name]?.needs ?? []) {
    const found = findCycle(need, recipes, [...trail, name]);
    if (found) return found;
  }
  return undefined;
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
