/** The sync rules are YAML `recipes validate` checks: per-record expressions are compiled and their names checked at load. */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors } from '../../../src/connectors/index.js';
import { loadPackage } from '../../../src/engine/loader/load-package.js';

describe('records steps in the package: validation', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'records-validate-'));
    cpSync('recipes/wiw-provisioning', dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string, to: string) => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    expect(text).to.contain(from);
    writeFileSync(path, text.replace(from, to));
  };

  it('the shipped package is valid, and an admin\'s edit of the email field and the scope is too', () => {
    edit('all-employees-sync.yaml', '"=[person.employee.workEmail, person.employee.personalEmail]", normalise: email', '"=[person.employee.personalEmail, person.employee.workEmail]", normalise: email');
    edit('all-employees-sync.yaml', 'where: "=$not(employee.syncToWhenIWork = false)"', `where: "=$not(employee.syncToWhenIWork = false) and $not(employee.departmentId = 'dep_ops')"`);
    expect(loadPackage(dir, connectors).problems).to.deep.equal([]);
  });

  it('a misspelt record name in a field, a tier key or the scope is a problem at its line', () => {
    edit('all-employees-sync.yaml', 'hourly_rate: "=person.employee.hourlyRate"', 'hourly_rate: "=persn.employee.hourlyRate"');
    edit('employee-sync.yaml', 'where: "=$not(employee.syncToWhenIWork = false)"', 'where: "=$not(employee.syncToWhenIWork = false"');
    const { problems } = loadPackage(dir, connectors);
    expect(problems.map((p) => `${p.file.split('/').pop()} ${p.path} ${p.code}`)).to.deep.equal([
      'all-employees-sync.yaml /steps/7/input/fields/hourly_rate UNKNOWN_NAME',
      'employee-sync.yaml /steps/3/input/where EXPRESSION_INVALID',
    ]);
  });

  it('a per-record field must be an expression', () => {
    edit('all-employees-sync.yaml', 'hourly_rate: "=person.employee.hourlyRate"', 'hourly_rate: "person.employee.hourlyRate"');
    expect(loadPackage(dir, connectors).problems.map((p) => p.message)).to.deep.equal(['must be an expression (starting with =), evaluated for each record']);
  });
});
