/**
 * The second package, recipes/examples/file-to-wiw: a JSON file of employees -> When I Work through the
 * `file` connector and the same records steps, run by the compiled CLI against the WIW emulator.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { demoSeed } from '../../src/emulators/seed/index.js';
import { parseJson, Project, ROOT, runCli, summaryOf, type Run } from './helpers.js';

const EXAMPLE = join(ROOT, 'recipes', 'examples', 'file-to-wiw');
const seed = demoSeed();
const coded = seed.wiw.users.find((u) => !u.is_deleted && u.employee_code !== '' && u.email !== '')!;
const uncoded = seed.wiw.users.find((u) => !u.is_deleted && u.employee_code === '' && u.email !== '' && u.role === 3)!;

describe('e2e: the file-to-wiw example package (CLI)', function () {
  this.timeout(60_000);
  let p: Project;
  let dir: string;
  let file: string;
  const cli = (...args: string[]): Promise<Run> => runCli(p.dataDir, args, undefined, p.databaseUrl, EXAMPLE);

  before(async () => {
    p = await Project.start(seed);
    dir = await mkdtemp(join(tmpdir(), 'recipes-file-'));
    file = join(dir, 'employees.json');
    await writeFile(file, JSON.stringify([
      { id: coded.employee_code, first_name: coded.first_name, last_name: coded.last_name, email: coded.email },
      { id: 'F-200', first_name: uncoded.first_name, last_name: uncoded.last_name, email: ` ${uncoded.email.toUpperCase()} ` },
      { id: 'F-201', first_name: 'Tansy', last_name: 'Underhill', email: 'tansy.u@company.example', phone: '(651) 951-0188' },
      { id: 'F-202', first_name: 'Gone', last_name: 'Away', email: 'gone@company.example', active: false },
      { first_name: 'No', last_name: 'Id', email: 'no.id@company.example' },
    ]));
    for (const [name, value] of Object.entries(p.pair.properties).filter(([n]) => n.startsWith('wiw_'))) {
      const secret = name === 'wiw_password' || name === 'wiw_api_key';
      const set = await runCli(p.dataDir, ['properties', 'set', name, ...(secret ? ['--stdin'] : [value])], secret ? value : undefined, p.databaseUrl, EXAMPLE);
      expect(set.code, set.stderr).to.equal(0);
    }
    const set = await cli('properties', 'set', 'employees_file', file);
    expect(set.code, set.stderr).to.equal(0);
  });
  after(async () => {
    await p?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a valid package', async () => {
    const run = await cli('validate', EXAMPLE);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
  });

  it('the file connection tests by reading the file', async () => {
    const run = await cli('connections', 'test', 'employees');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`Read 5 records from ${file}`);
  });

  it('matches by code, links by email (writing the code), creates the rest; leaves out the inactive row and skips the one with no id', async () => {
    const run = await cli('test', 'employees-sync', '--json');
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(summaryOf(parseJson(run))).to.deep.include({ matched: 1, linked: 1, created: 1, updated: 1, conflicts: [] });
    expect(summaryOf(parseJson(run)).skipped).to.deep.equal([{ employee: 'No Id', reason: 'has no id' }, { employee: 'Gone Away', reason: 'not active in the file' }]);
    expect(p.userById(uncoded.id)).to.include({ employee_code: 'F-200', email: uncoded.email });
    expect(p.userByCode('F-201')).to.include({ first_name: 'Tansy', last_name: 'Underhill', email: 'tansy.u@company.example', phone_number: '+16519510188' });
    expect(p.users().filter((u) => u.employee_code === 'F-202')).to.deep.equal([]);
  });

  it('a second run with nothing changed only reads', async () => {
    const before = p.pair.wiw.stats.get('POST /2/users') ?? 0;
    const run = await cli('test', 'employees-sync', '--json');
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(summaryOf(parseJson(run))).to.deep.include({ matched: 3, linked: 0, created: 0, updated: 0 });
    expect(p.pair.wiw.stats.get('POST /2/users') ?? 0).to.equal(before);
  });

  it('a file that is not a list of records fails the job with a sentence naming the file', async () => {
    await writeFile(file, '{"employees": []}');
    const run = await cli('test', 'employees-sync');
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).to.contain(`FILE_NOT_RECORDS`).and.to.contain(`The file ${file} does not hold a list of records: it is not an array.`);
  });
});
