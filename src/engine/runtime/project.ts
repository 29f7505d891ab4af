/**
 * Which package a runtime uses for its project ("Use this package"):
 * - an explicit `packageDir` (the CLI's `--package`) is used for this run; a project that uses a package
 *   of another name refuses it (PROJECT_PACKAGE_MISMATCH), since that package's recipes would act on
 *   state made by other recipes. The project's record is left as it is.
 * - otherwise the project's own folder, or `defaultPackageDir` for a project that has none (recorded as
 *   null: "the host's default", so an upgraded install's shipped package is picked up).
 * `default` needs no `projects add`: its record is written the first time a runtime opens it. Any other
 * project must exist (PROJECT_UNKNOWN).
 */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { loadCheckedPackage, type PackageCache } from '../loader/checked-package.js';
import { packageHash } from '../loader/package-hash.js';
import type { PackageModel } from '../model.js';
import { DEFAULT_PROJECT, projectUnknown, StoreErrorCode, type PackageStamp, type ProjectRecord, type Store } from '../store/index.js';
import type { ConnectorRegistry } from '../types.js';

export interface ProjectChoice {
  project?: string;
  packageDir?: string;
  defaultPackageDir?: string;
  connectors: ConnectorRegistry;
  packageCache?: PackageCache;
  packages?: LoadedPackages;
}

/** Packages loaded once per folder, with their content hash, for the runtimes of many projects (a worker's). */
export type LoadedPackages = Map<string, { pkg: PackageModel; hash: string }>;

function loadOnce(dir: string, o: ProjectChoice): { pkg: PackageModel; hash?: string } {
  const key = resolve(dir);
  const hit = o.packages?.get(key);
  if (hit) return hit;
  const pkg = loadCheckedPackage(dir, o.connectors, o.packageCache);
  if (!o.packages) return { pkg };
  const entry = { pkg, hash: packageHash(pkg.dir) };
  o.packages.set(key, entry);
  return entry;
}

export async function openProject(store: Store, o: ProjectChoice, given: PackageModel | undefined): Promise<{ project: string; pkg: PackageModel; stamp: PackageStamp }> {
  const project = o.project ?? DEFAULT_PROJECT;
  let record = await store.getProject(project);
  if (!record && project !== DEFAULT_PROJECT) throw projectUnknown(project);
  const dir = record?.packageDir ?? o.defaultPackageDir;
  if (!given && dir === undefined) {
    throw new UserError('PACKAGE_MISSING', `Project '${project}' has no package folder of its own and none was given.`, { hint: 'Pass --package DIR.' });
  }
  const loaded = given ? { pkg: given, hash: undefined } : loadOnce(dir!, o);
  const pkg = loaded.pkg;
  if (record && record.packageName !== pkg.name) throw packageMismatch(record, pkg);
  const version = pkg.version ?? null;
  if (!record) {
    record = await createOnce(store, { name: project, packageDir: given ? resolve(given.dir) : null, packageName: pkg.name, packageVersion: version });
  } else if (!given && record.packageVersion !== version) {
    await store.updateProject(project, { packageVersion: version }); // its package was upgraded in place
  }
  return { project, pkg, stamp: { name: pkg.name, ...(pkg.version ? { version: pkg.version } : {}), hash: loaded.hash ?? packageHash(pkg.dir) } };
}

/** Two processes may open a new `default` at once: the second one uses the first one's record. */
async function createOnce(store: Store, p: Omit<ProjectRecord, 'createdAt'>): Promise<ProjectRecord> {
  try {
    return await store.createProject(p);
  } catch (error) {
    const existing = (error as { code?: unknown }).code === StoreErrorCode.PROJECT_EXISTS ? await store.getProject(p.name) : undefined;
    if (!existing) throw error;
    return existing;
  }
}

function packageMismatch(record: ProjectRecord, pkg: PackageModel): UserError {
  return new UserError(
    'PROJECT_PACKAGE_MISMATCH',
    `Project '${record.name}' uses package ${record.packageName}, but ${pkg.dir} holds package ${pkg.name}; its recipes would act on another package's state.`,
    {
      details: { project: record.name, uses: record.packageName, given: pkg.name },
      hint: `Leave out --package to use the project's own package, or create a project for this one: recipes projects add NAME --package ${pkg.dir}`,
    },
  );
}
