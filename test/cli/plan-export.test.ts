/**
 * `recipes test all-employees-sync --dry-run --format csv|json --output FILE`: the plan as a file an HR admin
 * opens in a spreadsheet (RFC 4180, UTF-8 with BOM, one row per person with outcome and reason), the same as
 * JSON, `jobs show ID --output` for a stored job, and the console's downloads of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { startConsole } from '../../src/console/index.js';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { cliFor, SECRET_KEY, TempDirs, WIW_PACKAGE, type Cli, type Result } from './helpers.js';

/** RFC 4180: quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

interface Plan {
  recipe: string;
  job: number;
  dry_run: boolean;
  totals: Record<string, unknown>;
  people: Record<string, unknown>[];
}

describe('cli: dry-run plan export', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;
  let out: string;
  let run: Result;
  let jobId: number;
  let summary: Record<string, unknown>;

  before(async () => {
    pair = await startEmulators();
    const hire = pair.goco.snapshot().employees.find((e) => e.status === 'active' && e.syncToWhenIWork !== false && e.firstName === 'José')!;
    pair.goco.updateEmployee(hire.id, { lastName: 'Núñez, "Pepe"' });
    cli = await cliFor(pair, dirs);
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
    out = dirs.make('recipes-export-');
    run = await cli.run(['test', 'all-employees-sync', '--dry-run', '--json', '--format', 'csv', '--output', join(out, 'plan.csv')]);
    const parsed = JSON.parse(run.stdout) as { job: { id: number; summary: Record<string, unknown> } };
    jobId = parsed.job.id;
    summary = parsed.job.summary;
    await cli.ok(['jobs', 'show', String(jobId), '--output', join(out, 'plan.json')]);
  });
  after(async () => {
    await pair?.close();
    dirs.cleanup();
  });

  /** Every person of the summary's lists, as [outcome, employee]. */
  const expected = () => Object.entries(summary).filter(([, v]) => Array.isArray(v))
    .flatMap(([k, v]) => (v as { employee: string }[]).map((p) => [k.replace(/_/g, ' '), p.employee]));

  it('writes the CSV: BOM, CRLF, a header with outcome and reason, one row per person, parsing back to the same people', () => {
    expect(run.code).to.equal(0);
    expect(run.stderr).to.match(new RegExp(`^plan of job ${jobId} written to .*plan\\.csv \\(csv, \\d+ people\\)\\.$`, 'm'));
    const bytes = readFileSync(join(out, 'plan.csv'));
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.toString('utf8').slice(1));
    expect(header!.slice(0, 3)).to.deep.equal(['outcome', 'employee', 'reason']);
    const people = rows.map((r) => [r[0], r[1]]);
    expect(people).to.deep.equal(expected());
    expect(people.length).to.be.greaterThan(5);
    const outcomes = new Set(rows.map((r) => r[0]));
    for (const o of ['new users', 'links', 'conflicts', 'held', 'skipped', 'excluded']) expect(outcomes).to.include(o);
    expect(people).to.deep.include(['new users', 'José Núñez, "Pepe"']);
    const reasonCol = header!.indexOf('reason');
    for (const r of rows.filter((x) => x[0] === 'conflicts' || x[0] === 'skipped' || x[0] === 'held')) expect(r[reasonCol]).to.not.equal('');
  });

  it('writes the JSON (format from the extension) of the same job: the same people, and the totals with seats', () => {
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
    expect(plan).to.include({ recipe: 'all-employees-sync', job: jobId, dry_run: true });
    expect(plan.people.map((p) => [p.outcome, p.employee])).to.deep.equal(expected());
    expect(plan.totals.seats).to.equal(summary.seats).and.match(/needed, \d+ free/);
  });

  it('refuses --format without --output, and an --output whose format it cannot tell (exit 2, before any job)', async () => {
    const a = await cli.run(['test', 'location-sync', '--format', 'csv']);
    expect(a.code).to.equal(2);
    expect(a.stderr).to.contain('EXPORT_NO_OUTPUT').and.contain('--format csv needs --output FILE');
    const b = await cli.run(['jobs', 'show', String(jobId), '--output', join(out, 'plan.txt')]);
    expect(b.code).to.equal(2);
    expect(b.stderr).to.contain('pass --format csv or --format json');
  });

  it("the console's plan page downloads: the same files, with Content-Disposition", async () => {
    const rt = await Runtime.open({ packageDir: WIW_PACKAGE, dataDir: cli.dataDir, connectors, secretKey: SECRET_KEY, createDataDir: false });
    const web = await startConsole(rt, { port: 0 });
    try {
      for (const [format, type] of [['csv', 'text/csv'], ['json', 'application/json']] as const) {
        const res = await fetch(`${web.url}/api/jobs/${jobId}/plan.${format}`, { headers: { authorization: `Bearer ${web.token}` } });
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.match(new RegExp(`^${type}; charset=utf-8`));
        expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="all-employees-sync-job-${jobId}-plan.${format}"`);
        expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(out, `plan.${format}`)))).to.equal(true);
      }
      const page = readFileSync(new URL('../../src/console/static/page-jobs.js', import.meta.url), 'utf8');
      // The page links the same files, in the project it shows (dom.js apiUrl: /api/... or /api/projects/NAME/...).
      expect(page).to.contain('apiUrl(`jobs/${job.id}/plan.csv`)').and.contain('apiUrl(`jobs/${job.id}/plan.json`)');
    } finally {
      await web.close();
      await rt.close();
    }
  });
});
