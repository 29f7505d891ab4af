import { expect } from 'chai';
import { findDuplicates } from '../../../src/connectors/wheniwork/actions/duplicates.js';

const users = [
  { id: 1, first_name: 'Ann', last_name: 'Lee', email: 'ann@x.example', phone_number: '+16125550001', employee_code: 'E1' },
  { id: 2, first_name: 'Annie', last_name: 'Lee', email: 'ANN@x.example ', phone_number: '' },
  { id: 3, first_name: 'Bo', last_name: 'Ray', email: 'bo@x.example', phone_number: '612-555-0002' },
  { id: 4, first_name: 'Bob', last_name: 'Ray', email: 'bob.ray@x.example', phone_number: '(612) 555-0002' },
  { id: 5, first_name: 'Cy', last_name: 'Moe', email: 'cy1@x.example', phone_number: '+16125550003' },
  { id: 6, first_name: ' cy', last_name: 'MOE', email: 'cy2@x.example', phone_number: '+16125550004' },
  { id: 7, first_name: 'Dee', last_name: 'Fox', email: 'dee@x.example', employee_code: 'E7' },
  { id: 8, first_name: 'Dee', last_name: 'Fox', email: 'dee.fox@y.example', phone_number: '+16125550008' },
  { id: 9, first_name: 'Gone', last_name: 'User', email: 'ann@x.example', is_deleted: true },
];

const reasons = (out: ReturnType<typeof findDuplicates>) => out.groups.map((g) => [g.users.map((u) => u.id), g.reason]);

describe('wheniwork connector: find_duplicates', () => {
  it('groups users by email ignoring case, by phone and by name, ignoring deleted users', () => {
    expect(reasons(findDuplicates({ users, region: 'US' }))).to.deep.equal([
      [[1, 2], 'same email ignoring case'],
      [[3, 4], 'same phone'],
      [[5, 6], 'same name, different email and phone'],
      [[7, 8], 'same name, different email and phone'],
    ]);
  });

  it('each group lists id, name, email and phone', () => {
    const [group] = findDuplicates({ users, region: 'US' }).groups;
    expect(group!.users[0]).to.deep.include({ id: 1, name: 'Ann Lee', email: 'ann@x.example', phone: '+16125550001' });
  });

  it('names the GoCo employee several users fit', () => {
    const people = [{ id: 'g7', employeeNumber: 'E7', firstName: 'Dee', lastName: 'Fox', workEmail: 'dee@x.example', mobilePhone: '612 555 0008' }];
    const out = findDuplicates({ users, people, region: 'US' });
    const group = out.groups.find((g) => g.employee !== undefined);
    expect(group!.employee).to.include({ id: 'g7', employee_number: 'E7', name: 'Dee Fox' });
    expect(group!.users.map((u) => u.id)).to.deep.equal([7, 8]);
    expect(group!.reason).to.equal('same employee (employee code, email, phone, name)');
  });

  it('a user linked to another employee is not a name-only fit', () => {
    const people = [
      { id: 'a', employeeNumber: 'E1', firstName: 'Ann', lastName: 'Lee' },
      { id: 'b', employeeNumber: 'E2', firstName: 'Dee', lastName: 'Fox' },
      { id: 'c', employeeNumber: 'E7', firstName: 'Zed', lastName: 'Zed' },
    ];
    const out = findDuplicates({ users, people, region: 'US' });
    // User 7 carries E7 (Zed's number), so only the unlinked user 8 is taken for Dee Fox (E2).
    expect(out.groups.filter((g) => g.employee?.id === 'b').map((g) => g.users.map((u) => u.id))).to.deep.equal([[8]]);
  });

  it('names the GoCo FAQ duplicate: one unlinked user with the same name but another email and phone', () => {
    const people = [{ id: 'm', employeeNumber: 'E9', firstName: 'Cy', lastName: 'Moe', workEmail: 'cy@new.example', mobilePhone: '612 555 0999' }];
    const out = findDuplicates({ users: users.filter((u) => u.id === 5), people, region: 'US' });
    expect(out.groups).to.have.length(1);
    expect(out.groups[0]!.employee).to.include({ id: 'm', name: 'Cy Moe' });
    expect(out.groups[0]!.reason).to.match(/same name as a GoCo employee, but a different email and phone/);
  });

  it('does not name a user the sync would match by email', () => {
    const people = [{ id: 'm', employeeNumber: 'E9', firstName: 'Cy', lastName: 'Moe', workEmail: 'cy1@x.example' }];
    expect(findDuplicates({ users: users.filter((u) => u.id === 5), people, region: 'US' }).groups).to.deep.equal([]);
  });
});
