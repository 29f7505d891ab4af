import { expect } from 'chai';
import type { JobRecord, Runtime, StepRecord } from '../../../src/index.js';
import { Harness, runTest, stepAt } from '../runtime/helpers.js';

describe('interpreter: outputs, vars, if/else, nested scopes', () => {
  const harness = new Harness();
  let rt: Runtime;
  before(async () => {
    ({ rt } = (await harness.open('engine-flow')));
  });
  after(() => harness.cleanup());

  describe('outputs and vars', () => {
    let job: JobRecord;
    before(async () => {
      job = await runTest(rt, 'outputs');
    });

    it('succeeds', async () => {
      expect(job.status).to.equal('succeeded');
    });

    it('lets a later step read an action step output by its id', async () => {
      expect(job.summary).to.include({ greeting: 'hello world' });
    });

    it('stores set values under vars, readable by later set steps', async () => {
      expect(job.summary).to.include({ count: 2, label: 'hello world' });
    });

    it('records the evaluated input of an action step', async () => {
      expect(stepAt((await rt.steps(job.id)), 'second').input).to.deep.equal({ text: 'hello world' });
    });
  });

  describe('a summary that fails', () => {
    it('keeps the outcome of the job and says which summary entry failed and why', async () => {
      const job = await runTest(rt, 'summary-fails');
      expect(job.status).to.equal('succeeded');
      expect(job.summary).to.have.keys('summary_error');
      expect(job.summary?.summary_error).to.match(/^summary\.amount in .*summary-fails\.yaml could not be computed: .*number/i);
    });
  });

  describe('if/else', () => {
    let job: JobRecord;
    let steps: StepRecord[];
    before(async () => {
      job = await runTest(rt, 'branches');
      steps = await rt.steps(job.id);
    });

    it('runs the then branch when the condition holds', async () => {
      expect(stepAt(steps, 'big').output).to.deep.equal({ branch: 'then', condition: true });
      expect(stepAt(steps, 'big.then.big_yes').output).to.deep.equal({ text: 'big' });
    });

    it('runs the else branch when it does not', async () => {
      expect(stepAt(steps, 'huge').output).to.deep.equal({ branch: 'else', condition: false });
      expect(stepAt(steps, 'huge.else.huge_no').output).to.deep.equal({ text: 'not huge' });
    });

    it('skips the branch not taken', async () => {
      const paths = steps.map((s) => s.path);
      expect(paths).to.not.include('big.else.big_no');
      expect(paths).to.not.include('huge.then.huge_yes');
    });

    it('keeps outputs of steps inside a branch addressable after the if', async () => {
      expect(job.summary).to.deep.equal({ after: 'big/not huge' });
    });
  });

  describe('nested scopes', () => {
    let job: JobRecord;
    let steps: StepRecord[];
    before(async () => {
      job = await runTest(rt, 'nested');
      steps = await rt.steps(job.id);
    });

    it('gives an inner loop both its own item and the outer item and vars', async () => {
      const joined = steps.filter((s) => s.stepId === 'join').map((s) => (s.output as { text: string }).text);
      expect(joined).to.deep.equal(['a:1', 'a:2', 'b:3']);
    });

    it('names item steps by their loop positions', async () => {
      expect(steps.filter((s) => s.stepId === 'join').map((s) => s.path)).to.deep.equal([
        'rows[0].cells[0].join',
        'rows[0].cells[1].join',
        'rows[1].cells[0].join',
      ]);
    });

    it('exposes the foreach output (counts) to the steps after the loop', async () => {
      expect(job.status).to.equal('succeeded');
      expect(stepAt(steps, 'after').output).to.deep.equal({ value: 2 });
    });
  });
});
