import { expect } from 'chai';
import { createUserAction } from '../../../src/connectors/wheniwork/actions/create-user.js';
import { validateInput } from '../../../src/engine/interpreter/input.js';

const where = { id: 'created', where: { file: 'x.yaml', line: 1, col: 1 } } as never;

describe('interpreter: checking an action input', () => {
  it('fills in the schema defaults without writing into the scope the input came from', () => {
    // `input: "=plan.desired"` hands the action an object the earlier step's output still holds.
    const desired = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', locations: [1] };
    const scope = { plan: { desired } };
    const before = structuredClone(scope);
    const input = validateInput(createUserAction.input, scope.plan.desired, where) as Record<string, unknown>;
    expect(input).to.include({ role: 3, invite: true, first_name: 'Ada' });
    expect(scope).to.deep.equal(before);
  });

  it('does not copy what no default reaches', () => {
    const locations = [1, 2];
    const input = validateInput(createUserAction.input, { first_name: 'A', last_name: 'B', email: 'a@b.co', locations }, where) as { locations: unknown };
    expect(input.locations).to.equal(locations);
  });
});
