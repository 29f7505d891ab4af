/**
 * Properties every project has, whatever its package: they configure the runtime, not a recipe, so the
 * runtime declares them and the loader adds them to each package's own (a package that declares one of
 * these names itself is refused: its meaning would clash with the runtime's).
 */
import type { PropertyDecl } from './model.js';

export const JOB_RETENTION_DAYS = 'job_retention_days';

export const RUNTIME_PROPERTIES: Readonly<Record<string, PropertyDecl>> = Object.freeze({
  [JOB_RETENTION_DAYS]: Object.freeze({
    name: JOB_RETENTION_DAYS,
    title: 'Job retention (days)',
    description:
      'Finished jobs older than this many days are deleted with their steps by `recipes serve` (once a day) and by '
      + '`recipes jobs prune`; each recipe\'s latest job and latest successful job are always kept.',
    type: 'integer',
    secret: false,
    required: false,
    default: 90,
    min: 1,
    max: 36_500,
    example: 30,
  } satisfies PropertyDecl),
});
