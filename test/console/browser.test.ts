/**
 * The admin's flow in a real browser: headless Chromium from Debian's `chromium` package, driven by
 * playwright-core, against the console and both emulators. Skips (saying how to install Chromium) on a
 * machine without /usr/bin/chromium. Screenshots of the package page, the plan and a failed job (and of any
 * failed test) go to test-artifacts/console/ in the repository (git-ignored), or to CONSOLE_SCREENSHOTS=DIR.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { connectors } from '../../src/connectors/index.js';
import { Projects } from '../../src/engine/runtime/projects.js';
import { rerunWarning } from '../../src/reports/rerun-warning.js';
import { openRig, PACKAGE_DIR, type Rig } from './helpers.js';
import { skipBecause } from '../skip.js';

const ARTIFACTS = process.env.CONSOLE_SCREENSHOTS || fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('console in a browser', function () {
  this.timeout(30_000);
  let rig: Rig;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  /** Confirm dialogs seen, answered with `answer` (accept unless a test says otherwise). */
  const dialogs: string[] = [];
  let answer = true;
  /** Test runs the page asked the API for. */
  const testPosts: string[] = [];
  /** Clicks, waits for the confirm dialog it opens and answers "no"; then lets the page finish reacting. */
  const declined = async (click: () => Promise<void>): Promise<string> => {
    answer = false;
    try {
      const seen = page.waitForEvent('dialog');
      await click();
      const message = (await seen).message();
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
      return message;
    } finally {
      answer = true;
    }
  };
  const shots: string[] = [];
  const shot = async (name: string) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    shots.push(join(ARTIFACTS, `${name}.png`));
    await page.screenshot({ path: shots.at(-1), fullPage: true });
  };
  const card = (recipe: string) => page.locator(`[data-recipe="${recipe}"]`);
  const menu = async (recipe: string, item: string) => {
    await card(recipe).locator('summary').click();
    await card(recipe).getByRole('button', { name: item }).click();
  };
  /** Waits for the click before it to open a new job's page, then for that job to end. */
  const jobDone = async (from = page.url()) => {
    await page.waitForURL((url) => /#\/job\/\d+$/.test(url.hash) && url.href !== from);
    // The heading of this job, not the one of the page before it, which may still be on screen.
    const heading = page.locator('h1', { hasText: `Job #${page.url().split('/').pop()} ` });
    await heading.locator('.badge:not(.running)').waitFor();
    return heading.locator('.badge').textContent();
  };

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      skipBecause(this, `no Chromium at ${CHROMIUM}; install it with \`apt-get update && apt-get install -y chromium\` as root`);
    }
    const { chromium } = await import('playwright-core');
    rig = await openRig();
    await rig.rt.properties.unset('wiw_password');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/recipes\/[^/]+\/test$/.test(r.url())) testPosts.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await rig?.close();
    if (shots.length) console.log(`    screenshots: ${shots.join(', ')}`);
  });

  it('signs in with the printed address and drops the token from it', async () => {
    await page.goto(rig.web.loginUrl);
    await page.locator('h1', { hasText: 'WIW Provisioning' }).waitFor();
    expect(page.url()).not.to.contain('token');
  });

  it('shows why the When I Work connection is not connected', async () => {
    const status = page.locator('[data-connection="wiw"] .status');
    await status.filter({ hasText: 'Not connected' }).waitFor();
    expect(await status.textContent()).to.contain('wiw_password');
  });

  it('edits a secret property with the pencil, write-only: it shows "not set", then "set", never a value', async () => {
    await page.getByRole('link', { name: /Project properties/ }).click();
    const row = page.locator('[data-property="wiw_password"]');
    expect(await row.locator('td.value').textContent()).to.equal('not set (required)');
    await row.getByRole('button', { name: 'Edit WIW password' }).click();
    await row.locator('input[type="password"]').fill(rig.pair.properties.wiw_password);
    await row.getByRole('button', { name: 'Save' }).click();
    await row.locator('td.value .secret-state.set', { hasText: 'set' }).waitFor();
    expect(await page.locator('[data-property="alert_webhook_url"] td.value').textContent()).to.equal('not set');
    expect((await rig.rt.properties.resolve()).values.wiw_password).to.equal(rig.pair.properties.wiw_password);
    expect(await page.content()).not.to.contain(rig.pair.properties.wiw_password);
  });

  it('edits a boolean with a switch and an enum with a choice, each saved when changed', async () => {
    const invite = page.getByRole('switch', { name: 'Invite new users' });
    expect(await invite.isChecked()).to.equal(true);
    await page.locator('[data-property="wiw_invite"] .switch').click();
    await page.locator('[data-property="wiw_invite"] td.value', { hasText: 'Off' }).waitFor();
    expect((await rig.rt.properties.resolve()).values.wiw_invite).to.equal(false);
    const choice = page.getByRole('combobox', { name: 'On termination' });
    expect(await choice.locator('option').allTextContents()).to.deep.equal(['remove', 'keep']);
    await choice.selectOption('keep');
    await page.locator('[data-property="on_termination"] .actions', { hasText: 'clear' }).waitFor();
    expect((await rig.rt.properties.resolve()).values.on_termination).to.equal('keep');
    await page.locator('[data-property="on_termination"]').getByRole('button', { name: 'clear' }).click();
    await page.locator('[data-property="on_termination"] .actions', { hasText: 'clear' }).waitFor({ state: 'detached' });
    await page.locator('[data-property="wiw_invite"]').getByRole('button', { name: 'clear' }).click();
    await page.locator('[data-property="wiw_invite"] td.value', { hasText: 'On (default)' }).waitFor();
    expect((await rig.rt.properties.get('on_termination')).source).to.equal('default');
  });

  it('edits a number in a number field; a value out of bounds is refused with the reason and not saved', async () => {
    const row = page.locator('[data-property="wiw_requests_per_minute"]');
    await row.getByRole('button', { name: 'Edit WIW requests per minute' }).click();
    const field = row.locator('input[type="number"]');
    expect(await field.getAttribute('min')).to.equal('1');
    await field.fill('0');
    await row.getByRole('button', { name: 'Save' }).click();
    await page.locator('#notice.error', { hasText: 'must be at least 1, not 0' }).waitFor();
    // The browser logs the 400 it was meant to get.
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('status of 400')));
    expect((await rig.rt.properties.get('wiw_requests_per_minute')).source).to.equal('unset');
    await field.fill('600');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.locator('td.value code', { hasText: '600' }).waitFor();
    expect((await rig.rt.properties.resolve()).values.wiw_requests_per_minute).to.equal(600);
    await shot('settings');
    await rig.rt.properties.unset('wiw_requests_per_minute');
  });

  it('connects: the card says Connected', async () => {
    await page.getByRole('link', { name: 'Package', exact: true }).click();
    await page.locator('[data-connection="wiw"]').getByRole('button').click();
    await page.locator('[data-connection="wiw"] .status.ok', { hasText: 'Connected' }).waitFor();
    await page.locator('[data-connection="goco"] .status.ok', { hasText: 'Connected' }).waitFor();
    await shot('package');
  });

  it('marks all-employees-sync to be run last, with the reason', async () => {
    const note = card('all-employees-sync').locator('.run-last-note');
    expect(await note.textContent()).to.contain('location-sync').and.to.contain('department-sync');
  });

  it('starts and stops a recipe from its menu', async () => {
    await menu('employee-sync', 'Start recipe');
    await card('employee-sync').locator('.state .badge', { hasText: 'running' }).waitFor();
    expect((await rig.rt.recipes()).find((r) => r.name === 'employee-sync')?.running).to.equal(true);
    await menu('employee-sync', 'Stop recipe');
    await card('employee-sync').locator('.state .badge', { hasText: 'stopped' }).waitFor();
    expect((await rig.rt.recipes()).find((r) => r.name === 'employee-sync')?.running).to.equal(false);
  });

  it('"Test recipe" on a recipe that writes asks first, and a "no" runs nothing', async () => {
    await page.getByRole('link', { name: 'Package', exact: true }).click();
    const posts = testPosts.length;
    const message = await declined(() => menu('location-sync', 'Test recipe'));
    expect(message).to.contain('for real').and.to.contain('Plan (dry run)');
    expect(testPosts).to.have.length(posts);
    expect(await rig.rt.jobs('location-sync', 50)).to.have.length(0);
  });

  it('test-runs the recipes all-employees-sync needs', async () => {
    for (const name of ['location-sync', 'department-sync']) {
      await page.getByRole('link', { name: 'Package', exact: true }).click();
      const from = page.url();
      await menu(name, 'Test recipe');
      expect(await jobDone(from)).to.equal('succeeded');
    }
  });

  it('"Test with dry run" on all-employees-sync opens its plan, as tables', async () => {
    await page.getByRole('link', { name: 'Package', exact: true }).click();
    const from = page.url();
    const button = page.getByRole('button', { name: 'Test with dry run' });
    await button.first().waitFor();
    expect(await button.count()).to.equal(1);
    await card('all-employees-sync').getByRole('button', { name: 'Test with dry run' }).click();
    expect(await jobDone(from)).to.equal('succeeded');
    await page.locator('.plan-note').waitFor();
    const toCreate = await page.locator('table.counts tr[data-key="to_create"] td').textContent();
    expect(Number(toCreate)).to.be.above(0);
    expect(await page.locator('section[data-key="conflicts"] tbody tr').count()).to.be.above(0);
    expect(await page.locator('section[data-planned="create[].created"] tbody tr').count()).to.equal(Number(toCreate));
    await shot('plan');
  });

  it('shows every field a planned write would write (hourly rate, locations, positions too)', async () => {
    const heads = await page.locator('section[data-planned="create[].created"] thead th').allTextContents();
    expect(heads).to.include.members(['first name', 'last name', 'email', 'employee code', 'hourly rate', 'locations', 'positions', 'invite']);
    const job = (await rig.rt.jobs('all-employees-sync', 1))[0]!;
    const created = (await rig.rt.steps(job.id)).filter((s) => s.path.endsWith('.created'));
    const withRate = created.find((s) => typeof (s.input as { hourly_rate?: unknown }).hourly_rate === 'number')!;
    const row = page.locator('section[data-planned="create[].created"] tbody tr', { hasText: (withRate.input as { email: string }).email });
    expect(await row.textContent()).to.contain(String((withRate.input as { hourly_rate: number }).hourly_rate));
  });

  it('offers Link and Create anyway for a held possible duplicate; Link writes the employee code', async () => {
    const row = page.locator('section[data-key="held-decisions"] tr', { hasText: 'Meriadoc Brandybuck' });
    expect(await row.textContent()).to.contain('possible duplicate: same name as WIW user');
    expect(await row.getByRole('button', { name: 'Create anyway' }).count()).to.equal(1);
    const userId = Number(/Link to WIW user (\d+)/.exec((await row.getByRole('button', { name: /Link to WIW user/ }).textContent()) ?? '')![1]);
    await row.getByRole('button', { name: /Link to WIW user/ }).click();
    await row.filter({ hasText: `Linked to When I Work user ${userId}` }).waitFor();
    const code = rig.pair.goco.snapshot().employees.find((e) => e.firstName === 'Meriadoc')!.employeeNumber;
    expect(rig.pair.wiw.snapshot().accounts[0]!.users.find((u) => u.id === userId)!.employee_code).to.equal(code);
  });

  it('"Run it for real" on an older plan asks first and says the data may have changed since', async () => {
    const planUrl = page.url();
    const fresh = await declined(() => page.getByRole('button', { name: 'Run it for real' }).click());
    expect(fresh).to.contain('for real').and.not.to.contain('may have changed');
    await rig.rt.test('all-employees-sync', { dryRun: true });
    const posts = testPosts.length;
    const older = await declined(() => page.getByRole('button', { name: 'Run it for real' }).click());
    expect(older).to.contain('for real').and.to.contain('the data may have changed since');
    expect(testPosts).to.have.length(posts);
    expect(page.url()).to.equal(planUrl);
    expect((await rig.rt.jobs('all-employees-sync', 50)).filter((j) => !j.dryRun)).to.have.length(0);
  });

  it('test-runs all-employees-sync for real and opens the job with its steps', async () => {
    const from = page.url();
    dialogs.length = 0;
    await page.getByRole('button', { name: 'Run it for real' }).click();
    expect(await jobDone(from)).to.equal('succeeded');
    expect(dialogs).to.have.length(1);
    const id = Number(page.url().split('/').pop());
    expect((await rig.rt.job(id)).dryRun).to.equal(false);
    await page.locator('li.step[data-path="employees"]').getByText('input').click();
    expect(await page.locator('li.step[data-path="employees"] pre').first().isVisible()).to.equal(true);
    await shot('job');
  });

  it('lists the job in the recipe\'s history', async () => {
    await page.getByRole('link', { name: /history/ }).click();
    await page.locator('table.jobs tbody tr').first().waitFor();
    // The plan, the newer plan that made it "older", and the run.
    expect(await page.locator('table.jobs tbody tr').count()).to.equal(3);
  });

  it('marks the failing step of a failed job', async () => {
    await rig.rt.properties.set('goco_api_token', 'revoked-token');
    await page.getByRole('link', { name: 'Package', exact: true }).click();
    const from = page.url();
    await menu('all-employees-sync', 'Test recipe');
    expect(await jobDone(from)).to.equal('failed');
    await rig.rt.properties.set('goco_api_token', rig.pair.properties.goco_api_token);
    await page.locator('li.step.failed .fail-mark').first().waitFor();
    await shot('failed-job');
  });

  it('reruns the failed job from its page, after the warning `jobs rerun` prints', async () => {
    const failedUrl = page.url();
    const failed = await rig.rt.job(Number(failedUrl.split('/').pop()));
    const jobs = (await rig.rt.jobs(undefined, 50)).length;
    const message = await declined(() => page.getByRole('button', { name: 'Rerun' }).click());
    expect(message).to.contain(`Rerun job ${failed.id}`).and.to.contain(rerunWarning(rig.rt, failed));
    expect(await rig.rt.jobs(undefined, 50)).to.have.length(jobs);
    await page.getByRole('button', { name: 'Rerun' }).click();
    expect(await jobDone(failedUrl)).to.equal('succeeded');
    expect((await rig.rt.job(Number(page.url().split('/').pop()))).rerunOf).to.equal(failed.id);
  });

  it('filters the job list by outcome and by recipe', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    const rows = page.locator('table.jobs tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).to.equal((await rig.rt.jobs(undefined, 50)).length);
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('failed');
    await page.waitForURL((url) => url.hash === '#/jobs?status=failed');
    await page.locator('p.muted', { hasText: 'failed only' }).waitFor();
    const failed = await rig.rt.jobs(undefined, 50, 'failed');
    expect(await rows.locator('td:nth-child(1)').allTextContents()).to.deep.equal(failed.map((j) => `#${j.id}`));
    await page.getByRole('combobox', { name: 'Recipe' }).selectOption('location-sync');
    await page.waitForURL((url) => url.hash === '#/recipe/location-sync?status=failed');
    await page.locator('p.muted', { hasText: 'location-sync · job history · failed only' }).waitFor();
    expect(await rows.count()).to.equal(0);
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('');
    await page.waitForURL((url) => url.hash === '#/recipe/location-sync');
    await rows.first().waitFor();
    expect(await rows.locator('td:nth-child(2)').allTextContents()).to.deep.equal((await rig.rt.jobs('location-sync', 50)).map(() => 'location-sync'));
  });

  it('offers a project picker once the store holds a second project, and serves the chosen one', async () => {
    expect(await page.locator('#project-picker').isHidden()).to.equal(true);
    const projects = await Projects.open({ dataDir: rig.dataDir, connectors });
    await projects.add('acme', undefined, PACKAGE_DIR).finally(() => projects.close());
    await page.reload();
    const picker = page.getByRole('combobox', { name: 'Project' });
    expect(await picker.locator('option').allTextContents()).to.deep.equal(['default', 'acme']);
    await picker.selectOption('acme');
    await page.waitForURL((url) => url.search === '?project=acme');
    await page.locator('h1', { hasText: 'WIW Provisioning' }).waitFor();
    expect(await page.locator('[data-recipe="all-employees-sync"] .last-job').textContent()).to.equal('Last job: none yet');
    await page.getByRole('link', { name: /Project properties/ }).click();
    await page.getByRole('combobox', { name: 'On termination' }).selectOption('keep');
    await page.locator('[data-property="on_termination"] .actions', { hasText: 'clear' }).waitFor();
    expect(await page.locator('[data-property="wiw_password"] td.value').textContent()).to.equal('not set (required)');
    expect((await rig.rt.properties.get('on_termination')).display).to.equal('remove');
    await page.getByRole('combobox', { name: 'Project' }).selectOption('default');
    await page.waitForURL((url) => url.search === '' && url.pathname === '/');
    await page.getByRole('link', { name: /Project properties/ }).click();
    expect(await page.locator('[data-property="wiw_password"] td.value').textContent()).to.equal('set');
  });

  it('raised no script errors and no CSP violations', async () => {
    expect(errors).to.deep.equal([]);
  });
});
