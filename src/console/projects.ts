/**
 * The projects a console serves: the one it was started with (its own, at the unscoped `/api/...`), and,
 * when the host hands over a `ProjectSource`, every other project of the same store at
 * `/api/projects/NAME/...`. Another project's Runtime is opened on first use and kept until the console
 * closes; the console never reads the store itself.
 */
import { RecipeError } from '../engine/errors.js';
import { Projects } from '../engine/runtime/projects.js';
import { Runtime, type RuntimeOptions } from '../engine/runtime/runtime.js';
import { ConsoleState } from './api.js';
import { LiveFeed } from './live.js';

export interface ProjectSource {
  /** The store's projects by name (the console's own among them once a command has used it). */
  list(): Promise<string[]>;
  /** A Runtime of project `name`; PROJECT_UNKNOWN when the store has none. The console closes it. */
  open(name: string): Promise<Runtime>;
  close(): Promise<void>;
}

/**
 * Projects of the store `base` names (data dir or database): other projects use their own package (the
 * host's `--package` is for the project it serves), else `defaultPackageDir`.
 */
export function storeProjects(base: Omit<RuntimeOptions, 'project' | 'packageDir' | 'createDataDir'>): ProjectSource {
  let projects: Promise<Projects> | undefined;
  return {
    list: async () => {
      projects ??= Projects.open({ dataDir: base.dataDir, databaseUrl: base.databaseUrl, secretKey: base.secretKey, connectors: base.connectors });
      return (await (await projects).list()).map((p) => p.name);
    },
    open: (name) => Runtime.open({ ...base, project: name, createDataDir: false }),
    close: async () => {
      await (await projects?.catch(() => undefined))?.close();
    },
  };
}

/** What the API needs of one project: its Runtime, the console's memory of it and its live feed. */
export interface ProjectContext {
  rt: Runtime;
  state: ConsoleState;
  live: LiveFeed;
}

export class ConsoleProjects {
  readonly home: ProjectContext;
  private readonly others = new Map<string, Promise<ProjectContext>>();

  constructor(rt: Runtime, private readonly source?: ProjectSource) {
    this.home = { rt, state: new ConsoleState(), live: new LiveFeed(rt) };
  }

  /** Project names with the console's own first; just that one when the host gave no source. */
  async names(): Promise<string[]> {
    const listed = this.source ? await this.source.list() : [];
    return [this.home.rt.project, ...listed.filter((n) => n !== this.home.rt.project)];
  }

  async get(name: string): Promise<ProjectContext> {
    if (name === this.home.rt.project) return this.home;
    if (!this.source) throw new RecipeError('PROJECT_UNKNOWN', `This console serves project '${this.home.rt.project}' only, not '${name}'.`, { kind: 'user' });
    let ctx = this.others.get(name);
    if (!ctx) {
      // Only a project the store lists: opening `default` would otherwise record it, a write on a read.
      const source = this.source;
      ctx = source.list().then(async (names) => {
        if (!names.includes(name)) throw new RecipeError('PROJECT_UNKNOWN', `There is no project '${name}'. See \`recipes projects\`.`, { kind: 'user' });
        return source.open(name);
      }).then((rt) => ({ rt, state: new ConsoleState(), live: new LiveFeed(rt) }));
      this.others.set(name, ctx);
      // A project that could not be opened (unknown, package invalid) is tried afresh next time.
      ctx.catch(() => this.others.delete(name));
    }
    return ctx;
  }

  async close(): Promise<void> {
    this.home.live.close();
    const opened = await Promise.allSettled(this.others.values());
    for (const r of opened) {
      if (r.status !== 'fulfilled') continue;
      r.value.live.close();
      await r.value.rt.close();
    }
    await this.source?.close();
  }
}
