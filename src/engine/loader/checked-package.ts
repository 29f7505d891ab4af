/**
 * A package this build has already checked loads without parsing YAML or compiling expressions: each recipe
 * (and connection) compiles the first time something reads its steps, inputs or properties, which is when
 * it runs. `recipes list` or `properties get` then never load yaml or JSONata.
 *
 * "Checked" is remembered per build (the id `npm run build` writes to dist/build-id) in dist/.package-cache/:
 * one file per package content (a digest of the build id, the connector names and every YAML file's name and
 * text), holding the texts and their parsed data. A package that is new or changed in any byte is loaded and
 * checked in full first, exactly as loadPackageOrThrow does (an invalid one throws PACKAGE_INVALID and is never
 * remembered), so every command refuses an invalid package as before. The model is the one the full load
 * builds (test/engine/loader/checked-package.test.ts compares them). Running from src/ there is no build id
 * and every load is a full one.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDuration, type ConnectionModel, type PackageModel, type RecipeModel, type TriggerModel } from '../model.js';
import { RUNTIME_PROPERTIES } from '../runtime-properties.js';
import type { ConnectorRegistry } from '../types.js';
import { frozen, frozenList } from './freeze.js';
import { connectorMap, display, loadConnection, loadPackageOrThrow, loadRecipe, packageInvalid, packageModel, readProperties, secretNames, type Doc } from './load-package.js';
import type { Problem } from './problem.js';
import { YamlSource } from './source.js';

export interface PackageCache {
  /** The folder of the remembered packages. */
  dir: string;
  /** Changes with every build: what one build checked, the next one checks again. */
  buildId: string;
}

/** Packages remembered beyond this many (one per package content) are removed, oldest first. */
const KEEP = 20;

/**
 * The cache beside this build (dist/), or undefined when there is no build id (running from src/). The time
 * this module was compiled is part of the id: a `tsc` run without the rest of the build also checks again.
 */
export function defaultPackageCache(): PackageCache | undefined {
  const dist = new URL('../../../', import.meta.url);
  try {
    const buildId = readFileSync(new URL('build-id', dist), 'utf8').trim();
    const compiled = statSync(fileURLToPath(import.meta.url)).mtimeMs;
    return buildId ? { dir: fileURLToPath(new URL('.package-cache/', dist)), buildId: `${buildId} ${compiled}` } : undefined;
  } catch {
    return undefined;
  }
}

interface PackageFile {
  name: string;
  text: string;
}

interface Entry {
  files: PackageFile[];
  data: unknown[];
}

/** As loadPackageOrThrow, using `cache` when given (see above). */
export function loadCheckedPackage(dir: string, registry: ConnectorRegistry, cache: PackageCache | undefined): PackageModel {
  const files = cache && readFiles(dir);
  if (!cache || !files) return loadPackageOrThrow(dir, registry);
  const key = createHash('sha256').update(JSON.stringify([cache.buildId, registry.map((c) => c.name), files])).digest('hex');
  const file = join(cache.dir, `${key}.json`);
  const entry = readEntry(file);
  if (entry && sameFiles(entry.files, files)) return lazyModel(dir, registry, files, entry.data);
  const model = loadPackageOrThrow(dir, registry);
  // Remembered only when the files are still those read before the full load checked them.
  if (sameFiles(readFiles(dir) ?? [], files)) remember(cache.dir, file, { files, data: files.map((f) => new YamlSource(f.name, f.text).data) });
  return model;
}

/** The package's YAML files as the loader reads them; undefined when anything is odd (the full load says what). */
function readFiles(dir: string): PackageFile[] | undefined {
  try {
    const names = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    if (!names.includes('package.yaml')) return undefined;
    return names.map((name) => ({ name, text: new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(dir, name))) }));
  } catch {
    return undefined;
  }
}

function sameFiles(a: PackageFile[], b: PackageFile[]): boolean {
  return a.length === b.length && a.every((f, i) => f.name === b[i]?.name && f.text === b[i]?.text);
}

function readEntry(file: string): Entry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    return Array.isArray(entry.files) && Array.isArray(entry.data) && entry.files.length === entry.data.length ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Best effort: a build folder that cannot be written (a read-only install) only means every load is a full
 * one, so failures here are ignored. Written to a temporary file and renamed, so a reader never sees half.
 */
function remember(dir: string, file: string, entry: Entry): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
    const old = readdirSync(dir).map((name) => join(dir, name)).map((path) => ({ path, at: statSync(path).mtimeMs })).sort((x, y) => y.at - x.at).slice(KEEP);
    for (const { path } of old) rmSync(path, { force: true });
  } catch {
    // See above: the cache is an optimisation only.
  }
}

/**
 * The model from remembered data: names, titles, properties and trigger kinds at once; everything the full
 * load compiles is built by the full load's own functions (loadConnection, loadRecipe) when first read.
 */
function lazyModel(dir: string, registry: ConnectorRegistry, files: PackageFile[], data: unknown[]): PackageModel {
  const docs = files.map((f, i) => ({ name: f.name, file: display(join(dir, f.name)), text: f.text, doc: data[i] as Doc }));
  const pkg = docs.find((d) => d.name === 'package.yaml')?.doc as Doc;
  // As the full load: the package's own properties, then those every project has.
  const properties = { ...readProperties(pkg), ...RUNTIME_PROPERTIES };
  const declared = new Set(Object.keys(properties));
  const secrets = secretNames(properties);
  const connectors = connectorMap(pkg, registry);
  const connections: Record<string, ConnectionModel> = {};
  const recipes: Record<string, RecipeModel> = {};
  const build = <T>(file: string, text: string, load: (source: YamlSource, problems: Problem[]) => T | undefined): (() => T) => {
    let built: T | undefined;
    return () => {
      if (built) return built;
      const problems: Problem[] = [];
      built = load(new YamlSource(file, text), problems);
      // Only if the remembered check no longer holds (it cannot, for the same build and files).
      if (!built || problems.length > 0) throw packageInvalid(dir, problems);
      return built;
    };
  };
  for (const { file, text, doc } of docs) {
    if (doc.kind === 'connection') {
      const full = build(file, text, (source, problems) => loadConnection(source, doc, connectors, declared, problems));
      connections[doc.name as string] = frozen({
        name: doc.name as string,
        title: doc.title as string,
        description: doc.description as string | undefined,
        connector: connectors.get(doc.connector as string)!,
        auth: (doc.auth as ConnectionModel['auth']) ?? 'none',
        get settings() { return full().settings; },
        get properties() { return full().properties; },
        file,
      });
    }
  }
  for (const { file, text, doc } of docs) {
    if (doc.kind !== 'recipe') continue;
    const full = build(file, text, (source, problems) => loadRecipe(source, doc, connectors, connections, declared, problems, secrets));
    recipes[doc.name as string] = frozen({
      name: doc.name as string,
      title: doc.title as string,
      description: doc.description as string | undefined,
      needs: frozenList((doc.needs as string[] | undefined) ?? []) as string[],
      trigger: lazyTrigger(doc.trigger as Doc, () => full().trigger),
      get steps() { return full().steps; },
      get summary() { return full().summary; },
      get properties() { return full().properties; },
      get connections() { return full().connections; },
      file,
    });
  }
  return packageModel(dir, pkg, properties, connections, recipes);
}

/** What `recipes list` shows (kind, source, interval, path) at once; what a run needs from the full trigger. */
function lazyTrigger(t: Doc, full: () => TriggerModel): TriggerModel {
  switch (t.type) {
    case 'manual':
      return frozen({ type: 'manual' });
    case 'schedule':
      return frozen({ type: 'schedule', everyMs: parseDuration(t.every as string) });
    case 'webhook':
      return frozen({ type: 'webhook', path: t.path as string, get secret() { return (full() as Extract<TriggerModel, { type: 'webhook' }>).secret; } });
    default: {
      const poll = () => full() as Extract<TriggerModel, { type: 'poll' }>;
      return frozen({
        type: 'poll',
        get connection() { return poll().connection; },
        source: t.source as string,
        get trigger() { return poll().trigger; },
        everyMs: parseDuration(t.every as string),
        batch: (t.batch as number | undefined) ?? 100,
        get input() { return poll().input; },
      });
    }
  }
}
