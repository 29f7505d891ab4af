/** Shared by the benchmarks: child processes that speak one JSON line at a time, and the result rows. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The bound or target, as text: "<= 27.0", ">= 100000". */
  target: string;
  ok: boolean;
  note?: string;
}

export function row(bench: string, metric: string, value: number, unit: string, op: '<=' | '>=' | '=', bound: number, note?: string): BenchRow {
  const ok = op === '<=' ? value <= bound : op === '>=' ? value >= bound : value === bound;
  return { bench, metric, value: Math.round(value * 100) / 100, unit, target: `${op} ${Math.round(bound * 100) / 100}`, ok, note };
}

/** A figure reported for context, with no target of its own. */
export function info(bench: string, metric: string, value: number, unit: string, note?: string): BenchRow {
  return { bench, metric, value: Math.round(value * 1000) / 1000, unit, target: '', ok: true, note };
}

export class JsonChild {
  readonly child: ChildProcess;
  private readonly lines: AsyncIterableIterator<string>;
  private readonly rl: Interface;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    this.rl = createInterface({ input: this.child.stdout! });
    this.lines = this.rl[Symbol.asyncIterator]();
  }

  async next<T>(): Promise<T> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`child ${this.child.spawnargs.join(' ')} ended without output`);
    return JSON.parse(value) as T;
  }

  async ask<T>(command: string): Promise<T> {
    this.child.stdin!.write(command + '\n');
    return this.next<T>();
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end('exit\n');
    await exited;
  }
}

/** Runs a child to completion and returns its last JSON line. */
export async function runOnce<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const child = new JsonChild(args, env);
  const exited = new Promise<number>((resolve) => child.child.once('exit', (code) => resolve(code ?? 1)));
  const result = await child.next<T>();
  const code = await exited;
  if (code !== 0) throw new Error(`child exited ${code}`);
  return result;
}

/**
 * Properties every measured sync runs with, so figures stay comparable across releases. The seed draws names
 * from a few hundred first and last names, so at 10,000 employees thousands share a name with a WIW user that
 * has no employee code; the default same-name review would hold them all and measure a much smaller sync.
 */
export const BENCH_WORKLOAD: Readonly<Record<string, string>> = { name_match: 'create' };
