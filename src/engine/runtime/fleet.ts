/**
 * The projects of one state database, as a worker or a fleet's `serve` sees them: one store, one Runtime per
 * project opened when first needed (their packages loaded once per folder), the queue's claims.
 */
import type { Logger, ConnectorRegistry, RateBudget } from '../types.js';
import { Store, type ClaimResult } from '../store/index.js';
import type { LoadedPackages } from './project.js';
import { Runtime } from './runtime.js';

export interface FleetOptions {
  databaseUrl: string;
  /** Not used for state (that is in the database); the packages' relative paths resolve from it. */
  dataDir: string;
  connectors: ConnectorRegistry;
  /** The package of a project created without one. */
  defaultPackageDir?: string;
  logger: Logger;
  secretKey?: string;
  rateBudget?(key: string, requestsPerMinute: number): RateBudget;
  /** Called with each project's runtime once it is open (to listen to its jobs). */
  onOpen?(rt: Runtime): void;
}

export class Fleet {
  private readonly runtimes = new Map<string, Promise<Runtime>>();
  private readonly packages: LoadedPackages = new Map();

  readonly logger: Logger;

  private constructor(
    private readonly store: Store,
    private readonly options: FleetOptions,
  ) {
    this.logger = options.logger;
  }

  /** Throws the store's errors (STORE_UNREACHABLE, STORE_AUTH_FAILED, ...). */
  static async open(o: FleetOptions): Promise<Fleet> {
    // Jobs of dead workers are the queue's to recover; a CLI run's are recovered when its lease lapses.
    const store = await Store.open({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, secretKey: o.secretKey, recoverJobs: false });
    return new Fleet(store, o);
  }

  /** The project's runtime; PROJECT_UNKNOWN when it was removed. A failed open is not kept. */
  runtime(project: string): Promise<Runtime> {
    let rt = this.runtimes.get(project);
    if (!rt) {
      const o = this.options;
      rt = Runtime.open({
        project,
        dataDir: o.dataDir,
        databaseUrl: o.databaseUrl,
        connectors: o.connectors,
        defaultPackageDir: o.defaultPackageDir,
        logger: o.logger.child({ project }),
        store: this.store,
        packages: this.packages,
        ...(o.rateBudget ? { rateBudget: o.rateBudget } : {}),
      });
      if (o.onOpen) rt.then(o.onOpen, () => undefined);
      this.runtimes.set(project, rt);
      rt.catch(() => this.runtimes.get(project) === rt && this.runtimes.delete(project));
    }
    return rt;
  }

  /** Forgets a project's runtime (it was removed, or its package changed): the next use opens it again. */
  async forget(project: string): Promise<void> {
    const rt = this.runtimes.get(project);
    this.runtimes.delete(project);
    await (await rt?.catch(() => undefined))?.close();
  }

  /** A worker drew queued job `jobId`: take its recipe's lease and record the attempt. */
  async claim(jobId: number): Promise<ClaimResult> {
    return this.store.claimJob(jobId);
  }

  /** Fails a queued job the queue gave up on (its workers kept dying); undefined when it had ended already. */
  async failExhausted(jobId: number, error: unknown): Promise<{ project: string; recipe: string } | undefined> {
    return this.store.failExhausted(jobId, error);
  }

  /** Ends a claimed job that cannot run at all (its project's package does not load) as failed. */
  async failClaimed(jobId: number, attempt: number, error: unknown): Promise<void> {
    await this.store.finishAttempt(jobId, attempt, { status: 'failed', error });
  }

  /** The names of every project. */
  async projects(): Promise<string[]> {
    return (await this.store.listProjects()).map((p) => p.name);
  }

  /** Every started recipe of every project. */
  async startedRecipes(): Promise<{ project: string; recipe: string }[]> {
    return this.store.startedRecipes();
  }

  /** Why the store cannot serve now, or undefined. */
  async ready(): Promise<string | undefined> {
    return this.store.ready();
  }

  /** Runtimes opened so far (for metrics). */
  get openProjects(): number {
    return this.runtimes.size;
  }

  async close(): Promise<void> {
    for (const rt of this.runtimes.values()) await (await rt.catch(() => undefined))?.close();
    this.runtimes.clear();
    await this.store.close();
  }
}
