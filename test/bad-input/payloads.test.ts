/**
 * Malformed GoCo and WIW answers (./payload-cases.ts) served by a fake of both APIs (./fake-api.ts), while
 * the real package's all-employees-sync runs through the Runtime with the real connectors. Each case ends
 * in a coded error with a plain message, or a reported skip - never a bug-kind error, never an exception out
 * of the runtime, and never a write carrying bad data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import type { JobRecord, StepRecord } from '../../src/index.js';
import { FakeApi, gocoEmployee, type Received } from './fake-api.js';
import { payloadCases, type PayloadCase } from './payload-cases.js';

const PACKAGE = 'recipes/wiw-provisioning';

interface Outcome {
  job: JobRecord;
  steps: StepRecord[];
  writes: Received[];
}

interface Coded {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: Coded;
}

/** The serialized errors of the job and its steps (not their causes: a JSON SyntaxError may be one). */
function errorsOf(outcome: Outcome): Coded[] {
  return [outcome.job.error, ...outcome.steps.map((s) => s.error)].filter((e): e is Coded => typeof e === 'object' && e !== null);
}

/** Runs all-employees-sync against `api` serving case `c` under its own prefix (so connections are fresh). */
async function run(rt: Runtime, api: FakeApi, c: PayloadCase, i: number): Promise<Outcome> {
  api.reset(`case-${i}`, c.employees ?? [gocoEmployee(1)], c.routes ?? {});
  for (const [name, value] of Object.entries(api.properties)) (await rt.properties.set(name, value));
  const job = await rt.test('all-employees-sync', { force: true });
  if (!job) throw new Error('no job');
  return { job, steps: (await rt.steps(job.id)), writes: [...api.writes] };
}

const TEXT_FIELDS = ['first_name', 'last_name', 'email', 'phone_number', 'employee_code'];

/** A written body carries only strings in its text fields, and nothing that is a stringified non-value. */
function checkWrite(write: Received): void {
  const body = write.body as Record<string, unknown>;
  expect(body, `${write.method} ${write.path} body`).to.be.an('object');
  for (const field of TEXT_FIELDS) {
    if (body[field] === undefined) continue;
    expect(body[field], `${write.path} ${field}`).to.be.a('string');
    expect(['[object Object]', 'undefined', 'null', 'NaN', ''], `${write.path} ${field}`).to.not.include(body[field]);
  }
}

describe('bad input: malformed API payloads', function () {
  this.timeout(30_000);
  let root: string;
  let api: FakeApi;
  let rt: Runtime;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'recipes-bad-payloads-'));
    api = await FakeApi.start();
    rt = await Runtime.open({ packageDir: PACKAGE, dataDir: root, connectors, secretKey: 'bad-input-test-key' });
  });
  after(async () => {
    await rt?.close();
    await api?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('has at least 30 cases', async () => {
    expect(payloadCases.length).to.be.at.least(30);
  });

  payloadCases.forEach((c, i) => {
    it(`${c.name}: ${c.expect === 'skip' ? 'a reported skip' : c.expect === 'ok' ? 'succeeds' : 'a coded error'}`, async () => {
      const outcome = await run(rt, api, c, i);
      const { job, steps, writes } = outcome;
      const errors = errorsOf(outcome);
      for (const e of errors) {
        expect(e.kind, `error ${String(e.code)}: ${String(e.message)}`).to.not.equal('bug');
        expect(e.code, 'error code').to.be.a('string').and.match(/^[A-Z][A-Z0-9_]+$/);
        expect(e.message, 'error message').to.be.a('string').and.not.equal('');
        expect((e.message as string).length, `message length: ${String(e.message).slice(0, 200)}`).to.be.at.most(2_000);
        expect(e.message as string).to.not.match(/TypeError|ReferenceError|\n\s+at /);
      }
      writes.forEach(checkWrite);
      const listed = steps.find((s) => s.path === 'employees')?.output as { invalid?: unknown[] } | undefined;

      if (c.expect === 'error') {
        expect(job.status, JSON.stringify(job.error)).to.equal('failed');
        const codes = errors.map((e) => String(e.code));
        expect(codes.some((code) => (c.code instanceof RegExp ? c.code.test(code) : code === (c.code ?? code))), `codes ${codes.join(', ')}`).to.equal(true);
        return;
      }
      expect(job.status, JSON.stringify(job.error)).to.equal('succeeded');
      const creates = writes.filter((w) => w.method === 'POST');
      const second = creates.filter((w) => (w.body as { first_name?: unknown }).first_name !== 'First1');
      if (c.expect === 'skip') {
        expect(listed?.invalid, 'goco invalid list').to.have.length(1);
        expect(second, 'writes for the bad record').to.deep.equal([]);
      }
      if (c.sent) {
        expect(second.map((w) => {
          const b = w.body as { first_name: string; last_name: string };
          return { first_name: b.first_name, last_name: b.last_name };
        })).to.deep.equal([c.sent]);
      }
      expect(creates.map((w) => (w.body as { first_name?: unknown }).first_name)).to.include('First1');
    });
  });
});
