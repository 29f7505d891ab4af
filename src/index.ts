/**
 * The public API of the recipe runtime, for hosts that embed it (the `recipes` CLI is one such host).
 *
 * ```ts
 * import { Runtime, createLogger, connectors } from 'recipes';
 * const rt = await Runtime.open({ packageDir: 'recipes/wiw-provisioning', dataDir: '.recipes', connectors, project: 'default' });
 * rt.on('job:end', (job) => console.log(job.recipe, job.status));
 * rt.properties.set('wiw_email', 'admin@example.com');
 * const job = await rt.test('location-sync');
 * await rt.close();
 * ```
 */
export { Runtime, describeTrigger, type RuntimeOptions, type RunOptions, type RecipeView, type RuntimeEvents } from './engine/runtime/runtime.js';
export { Server, type ServeOptions } from './engine/runtime/serve.js';
export { Projects, type ProjectsOptions } from './engine/runtime/projects.js';
export { loadPackage, type LoadResult } from './engine/loader/load-package.js';
export { defaultPackageCache, type PackageCache } from './engine/loader/checked-package.js';
export { formatProblem, type Problem } from './engine/loader/problem.js';
export { createLogger, silentLogger, type LoggerOptions } from './engine/logger.js';
export { RecipeError, UserError, serializeError, type SerializedError, type ErrorKind } from './engine/errors.js';
export type { JobRecord, ProjectContents, ProjectRecord, ProjectSummary } from './engine/store/index.js';
export type { StepRecord } from './engine/interpreter/job-env.js';
export type { PropertyView } from './engine/runtime/properties.js';
export type * from './engine/types.js';
export { connectors } from './connectors/index.js';
export { attachMetrics, type MetricsOptions, type RuntimeMetrics } from './ops/metrics.js';
export { startOpsEndpoint, type OpsEndpoint, type OpsEndpointOptions } from './ops/endpoint.js';
