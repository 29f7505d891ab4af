/**
 * Secret properties may only be used where the runtime keeps them out of records and output: connection
 * settings and a webhook trigger's secret. A recipe expression anywhere else (step inputs, conditions,
 * foreach, set, stop messages, the summary, a poll trigger's input) could store or print a secret in a
 * form redaction does not recognise (`$base64encode(properties.password)`), so it is refused at load.
 *
 * Reads that cannot be told apart from a secret read are refused too, in a package that has secrets:
 * `properties` as a whole value, by a computed key (`$lookup(properties, $k)`, `properties.*`), and the
 * whole scope (`$`, `$$`, `*`, `**`), which holds `properties`.
 */
import { WHOLE_SCOPE, type CompiledExpression } from '../expressions/index.js';
import type { StepContext } from './steps.js';

export function checkSecretReads(ctx: StepContext, path: (string | number)[], expr: CompiledExpression): void {
  const secrets = ctx.secretProperties;
  if (secrets === undefined || secrets.size === 0) return;
  const only = 'secret properties may only be used in connection settings';
  for (const name of expr.properties) {
    if (secrets.has(name)) ctx.problems.push(ctx.source.problem(path, `reads the secret property '${name}'; ${only}`, 'SECRET_READ'));
  }
  if (expr.readsPropertiesWhole || expr.refs.has(WHOLE_SCOPE)) {
    const what = expr.readsPropertiesWhole ? "reads 'properties' as a whole or by a computed name" : 'reads the whole scope ($, $$, * or **), which holds the properties';
    ctx.problems.push(ctx.source.problem(path, `${what}; name each property (properties.NAME): ${only}`, 'SECRET_READ'));
  }
}
