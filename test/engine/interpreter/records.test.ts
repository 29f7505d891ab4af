import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { JobRecord, Runtime } from '../../../src/index.js';
import { RECORD_CAP_BYTES } from '../../../src/engine/interpreter/redact.js';
import { Harness, PACKAGES, runTest, stepAt } from '../runtime/helpers.js';

const SECRET = 'sk-live-4f1a9c2e7b';

describe('interpreter: step records', () => {
  const harness = new Harness();
  let rt: Runtime;
  let dataDir: string;
  before(async () => {
    ({ rt, dataDir } = (await harness.open('engine-flow')));
    await rt.properties.set('api_secret', SECRET);
  });
  after(() => harness.cleanup());

  describe('secrets', () => {
    let job: JobRecord;
    before(async () => {
      job = await runTest(rt, 'secrets');
    });

    it('replaces a secret property value in stored input and output', async () => {
      const leak = stepAt((await rt.steps(job.id)), 'leak');
      expect(leak.input).to.deep.equal({ text: 'Bearer [redacted]' });
      expect(leak.output).to.deep.equal({ text: 'Bearer [redacted]' });
    });

    it('never returns the secret anywhere in the step records', async () => {
      expect(JSON.stringify(await rt.steps(job.id))).to.not.include(SECRET);
    });

    it('blanks values under secret-looking keys and keeps the others', async () => {
      expect(stepAt((await rt.steps(job.id)), 'keyed').output).to.deep.equal({ value: { api_token: '[redacted]', note: 'kept' } });
    });

    it('never writes the secret into the state store files', async () => {
      const { rt: reopened } = await harness.open('engine-flow', { dataDir });
      await reopened.close();
      for (const file of readdirSync(dataDir).filter((f) => f.startsWith('state.db'))) {
        expect(readFileSync(join(dataDir, file)).includes(SECRET), file).to.equal(false);
      }
    });
  });

  describe('size cap', () => {
    it('stores a long list as its first 20 items and a count of the rest', async () => {
      const job = await runTest(rt, 'huge');
      const output = stepAt((await rt.steps(job.id)), 'people').output as { items: unknown[] };
      expect(output.items).to.have.length(21);
      expect(output.items[0]).to.include({ id: 1 });
      expect(output.items[20]).to.equal('... and 1980 more (2000 in all)');
      expect(JSON.stringify(output).length).to.be.at.most(RECORD_CAP_BYTES);
    });

    it('still hands the whole output to later steps', async () => {
      const job = await runTest(rt, 'huge');
      expect(stepAt((await rt.steps(job.id)), 'small').output).to.deep.equal({ value: 2000 });
    });
  });

  describe('errors', () => {
    let job: JobRecord;
    before(async () => {
      job = await runTest(rt, 'failing');
    });

    it('records the failed step with the error code and message', async () => {
      const broken = stepAt((await rt.steps(job.id)), 'broken');
      expect(broken.status).to.equal('failed');
      expect(broken.error).to.include({ code: 'TEST_DOWN', message: 'the service is down' });
    });

    it('says where the step is, as file:line:col of the recipe', async () => {
      const { where } = stepAt((await rt.steps(job.id)), 'broken').error as { where: string };
      const m = /^(.+):(\d+):(\d+)$/.exec(where);
      expect(m, where).to.not.equal(null);
      const [, file, line, col] = m as RegExpExecArray;
      expect(file?.endsWith(join('engine-flow', 'failing.yaml'))).to.equal(true);
      const text = readFileSync(join(PACKAGES, 'engine-flow', 'failing.yaml'), 'utf8').split('\n');
      expect(text[Number(line) - 1]?.slice(Number(col) - 1)).to.equal('id: broken');
    });

    it('fails the job with the step error', async () => {
      expect(job.status).to.equal('failed');
      expect(job.error).to.include({ code: 'TEST_DOWN' });
    });
  });
});
