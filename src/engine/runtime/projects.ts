/**
 * The projects of a state store, for a host's admin: list them, add one ("Use this package": the package is
 * validated and remembered) and remove one with all its state. A Runtime then opens one project.
 */
import { resolve } from 'node:path';
import { RecipeError, UserError } from '../errors.js';
import { loadPackageOrThrow } from '../loader/load-package.js';
import { projectUnknown, Store, type ProjectContents, type ProjectRecord, type ProjectSummary } from '../store/index.js';
import type { ConnectorRegistry } from '../types.js';

export interface ProjectsOptions {
  dataDir: string;
  databaseUrl?: string;
  /** Create the store when missing (adding a project may). @default false */
  create?: boolean;
  secretKey?: string;
  connectors: ConnectorRegistry;
}

/** Letters, digits, `-`, `_` and `.`, starting with a letter or digit: safe in a command line and a file name. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class Projects {
  private constructor(
    private readonly store: Store,
    private readonly connectors: ConnectorRegistry,
  ) {}

  static async open(o: ProjectsOptions): Promise<Projects> {
    const store = await Store.open({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, create: o.create ?? false, secretKey: o.secretKey });
    return new Projects(store, o.connectors);
  }

  async list(): Promise<ProjectSummary[]> {
    return this.store.listProjects();
  }

  /**
   * Validates the package (PACKAGE_INVALID with every problem) and records the project (PROJECT_EXISTS,
   * PROJECT_NAME_INVALID). `packageDir` undefined: the host's default package, whichever it is when used.
   */
  async add(name: string, packageDir: string | undefined, defaultPackageDir: string): Promise<ProjectRecord> {
    if (!NAME.test(name)) {
      throw new UserError('PROJECT_NAME_INVALID', `'${name}' cannot name a project: use letters, digits, '-', '_' and '.' (up to 64, starting with a letter or digit).`, {
        hint: 'For example: recipes projects add acme-corp --package DIR',
      });
    }
    const pkg = loadPackageOrThrow(packageDir ?? defaultPackageDir, this.connectors);
    return this.store.createProject({ name, packageDir: packageDir === undefined ? null : resolve(packageDir), packageName: pkg.name, packageVersion: pkg.version ?? null });
  }

  /** What the project holds (PROJECT_UNKNOWN when there is none). */
  async contents(name: string): Promise<ProjectContents> {
    if (!(await this.store.getProject(name))) throw projectUnknown(name);
    return this.store.projectContents(name);
  }

  /**
   * Deletes the project and all its state, secrets included, in one transaction. Throws PROJECT_BUSY,
   * naming the job, while one of its jobs runs, and PROJECT_UNKNOWN.
   */
  async remove(name: string): Promise<ProjectContents> {
    const result = await this.store.removeProject(name);
    if ('removed' in result) return result.removed;
    const h = result.busy;
    throw new RecipeError('PROJECT_BUSY', `Project '${name}' is running job ${h.jobId} (${h.recipe}, pid ${h.pid}${h.host ? ` on ${h.host}` : ''}, started ${h.acquiredAt}); nothing was removed.`, {
      details: { project: name, jobId: h.jobId, recipe: h.recipe },
      hint: `Remove it once the job has ended (follow it with \`recipes --project ${name} jobs show ${h.jobId}\`); stop its recipes first so no new job starts.`,
    });
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** "5 properties (2 secrets), the state of 3 recipes, 120 jobs with their steps and 40 id mappings" */
export function describeContents(c: ProjectContents): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  return `${n(c.properties, 'property', 'properties')} (${n(c.secrets, 'secret')}), the state of ${n(c.recipes, 'recipe')}, ${n(c.jobs, 'job')} with their steps and ${n(c.mappings, 'id mapping')}`;
}
