/**
 * Server-Sent Events fed by the Runtime's events, for the live view of running jobs. Step events carry
 * where and how a step ended, never its input or output (those are read, redacted, from the store).
 */
import type { ServerResponse } from 'node:http';
import type { Runtime, RuntimeEvents } from '../engine/runtime/runtime.js';

type Listener<K extends keyof RuntimeEvents> = (...args: RuntimeEvents[K]) => void;

export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly detach: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly rt: Runtime) {
    const onStart: Listener<'job:start'> = (e) => this.send('job:start', e);
    const onStep: Listener<'step'> = ({ jobId, record }) =>
      this.send('step', { jobId, seq: record.seq, path: record.path, stepId: record.stepId, status: record.status, durationMs: record.durationMs, error: errorCode(record.error) });
    const onProgress: Listener<'progress'> = (e) => this.send('progress', e);
    const onEnd: Listener<'job:end'> = (job) => this.send('job:end', { id: job.id, recipe: job.recipe, status: job.status, durationMs: job.durationMs, dryRun: job.dryRun, test: job.test });
    rt.on('job:start', onStart);
    rt.on('step', onStep);
    rt.on('progress', onProgress);
    rt.on('job:end', onEnd);
    this.detach = () => {
      rt.off('job:start', onStart);
      rt.off('step', onStep);
      rt.off('progress', onProgress);
      rt.off('job:end', onEnd);
    };
    // Keeps proxies and idle browsers from dropping a quiet stream.
    this.heartbeat = setInterval(() => this.comment('ping'), 15_000);
    this.heartbeat.unref();
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  private comment(text: string): void {
    for (const res of this.clients) res.write(`: ${text}\n\n`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.detach();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function errorCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
