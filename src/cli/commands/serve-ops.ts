/** The ops endpoint of `recipes serve`: opened with --listen or --metrics, metrics only with --metrics. */
import { portInUse } from '../../engine/runtime/serve.js';
import type { Runtime } from '../../engine/runtime/runtime.js';
import { OPS_DEFAULT_HOST, OPS_DEFAULT_PORT, startOpsEndpoint } from '../../ops/endpoint.js';
import { attachMetrics } from '../../ops/metrics.js';

export interface Ops {
  url: string;
  close(): Promise<void>;
}

/**
 * Undefined when neither option is given: two `serve`s on one machine (one per data dir) would otherwise
 * fight over the default port. PORT_IN_USE names the address taken.
 */
export async function startOps(rt: Runtime, opts: { listen?: { host: string; port: number }; metrics?: boolean }): Promise<Ops | undefined> {
  if (!opts.listen && !opts.metrics) return undefined;
  const { host, port } = opts.listen ?? { host: OPS_DEFAULT_HOST, port: OPS_DEFAULT_PORT };
  const metrics = opts.metrics ? attachMetrics(rt) : undefined;
  try {
    const endpoint = await startOpsEndpoint({ host, port, ready: () => rt.ready(), ...(metrics ? { registry: metrics.registry } : {}) });
    return {
      url: endpoint.url,
      close: async () => {
        metrics?.detach();
        await endpoint.close();
      },
    };
  } catch (error) {
    metrics?.detach();
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse('ops', port, '--listen', error, host) : error;
  }
}
