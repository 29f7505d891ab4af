import { expect } from 'chai';
import { matchPeople, type PersonLike, type WiwUserLike } from '../../../src/connectors/wheniwork/match.js';

const region = 'US';

describe('wheniwork matching: the tier a link is reported by', () => {
  it('a person whose email and phone both lead to the same user is linked by email (the higher tier)', () => {
    const person: PersonLike = { id: 'p1', employeeNumber: 'E1', firstName: 'Ann', lastName: 'Lee', status: 'active', workEmail: 'Ann@X.io', mobilePhone: '(612) 555-0142' };
    const user: WiwUserLike = { id: 7, first_name: 'Ann', last_name: 'Lee', email: 'ann@x.io', phone_number: '+16125550142' };
    const plan = matchPeople([person], [user], { region });
    expect(plan.conflicts).to.deep.equal([]);
    expect(plan.to_link.map((l) => [l.user.id, l.by, l.employee_code])).to.deep.equal([[7, 'email', 'E1']]);
  });
});
