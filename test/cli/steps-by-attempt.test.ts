/** `jobs show` of a worker's job with several attempts: which steps each attempt ran. */
import { expect } from 'chai';
import { stepsByAttempt } from '../../src/cli/format.js';
import type { StepRecord } from '../../src/engine/interpreter/job-env.js';
import type { AttemptRecord } from '../../src/engine/store/index.js';

const attempt = (n: number, startedAt: string): AttemptRecord => ({ attempt: n, host: 'h', pid: n, startedAt, finishedAt: null, outcome: null }) as AttemptRecord;
const step = (seq: number, startedAt: string): StepRecord => ({ seq, stepId: `s${seq}`, path: `s${seq}`, status: 'succeeded', startedAt, durationMs: 1 }) as StepRecord;

describe('cli: steps by attempt', () => {
  it('gives each step to the last attempt that started before it, an attempt with none an empty list', () => {
    const attempts = [attempt(1, '2026-12-07T10:00:00.000Z'), attempt(2, '2026-12-07T10:05:00.000Z'), attempt(3, '2026-12-07T10:06:00.000Z')];
    const steps = [step(1, '2026-12-07T10:00:01.000Z'), step(2, '2026-12-07T10:00:02.000Z'), step(3, '2026-12-07T10:06:01.000Z')];
    expect(stepsByAttempt(steps, attempts).map((g) => [g.attempt.attempt, g.steps.map((s) => s.seq)])).to.deep.equal([[1, [1, 2]], [2, []], [3, [3]]]);
  });

  it("never moves a step back to an earlier attempt when a host's clock is behind", () => {
    const attempts = [attempt(1, '2026-12-07T10:00:00.000Z'), attempt(2, '2026-12-07T10:01:00.000Z')];
    // The second attempt's host runs 2 s behind: its second step looks older than the attempt's start.
    const steps = [step(1, '2026-12-07T10:00:01.000Z'), step(2, '2026-12-07T10:01:00.500Z'), step(3, '2026-12-07T10:00:59.000Z')];
    expect(stepsByAttempt(steps, attempts).map((g) => g.steps.map((s) => s.seq))).to.deep.equal([[1], [2, 3]]);
  });
});
