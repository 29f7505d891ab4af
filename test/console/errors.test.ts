import { expect } from 'chai';
import { errorReply } from '../../src/console/api.js';
import { RecipeError, UserError } from '../../src/engine/errors.js';
import { RunRefused } from '../../src/engine/runtime/lease.js';

describe('console: error replies', () => {
  it('answers a recipe another process is running with 409, naming the job, not as a failed service (502)', () => {
    const reply = errorReply(new RecipeError(RunRefused.BUSY, "Recipe 'all-employees-sync' is running as job 7 (pid 123).", { kind: 'operational' }));
    expect(reply.status).to.equal(409);
    expect(JSON.stringify(reply.body)).to.include('job 7');
  });

  it('keeps 404 for an unknown thing, 400 for other user errors, 502 for a failed service, 500 for a bug', () => {
    expect(errorReply(new UserError('JOB_UNKNOWN', 'no job')).status).to.equal(404);
    expect(errorReply(new UserError('BODY_INVALID', 'bad')).status).to.equal(400);
    expect(errorReply(new RecipeError('HTTP_STATUS', 'down', { kind: 'operational' })).status).to.equal(502);
    expect(errorReply(new RecipeError('BUG', 'oops', { kind: 'bug' })).status).to.equal(500);
  });
});
