/** `recipes properties set` refuses a value that does not fit the property's declared type (exit 2). */
import { expect } from 'chai';
import { Cli, TempDirs } from './helpers.js';

describe('cli: property values', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  it('refuses bad values with the property name and an example, exit 2, and stores nothing', async () => {
    const cli = new Cli(dirs.make());
    await cli.ok(['properties', 'set', 'wiw_email', 'admin@company.com']);
    const [region, budget, url, file, account] = await Promise.all([
      cli.run(['properties', 'set', 'default_phone_region', 'XX']),
      cli.run(['properties', 'set', 'wiw_requests_per_minute', '-5']),
      cli.run(['properties', 'set', 'wiw_api_url', 'notaurl']),
      cli.run(['properties', 'set', 'goco_api_url', 'file:///etc/passwd']),
      cli.run(['properties', 'set', 'on_termination', 'delete']),
    ]);
    expect(region.code).to.equal(2);
    expect(region.stderr).to.contain("error PROPERTY_INVALID: Property 'default_phone_region' (Default phone region) must be a two-letter country code");
    expect(region.stderr).to.contain('for example: recipes properties set default_phone_region US');
    expect(budget.code).to.equal(2);
    expect(budget.stderr).to.contain("Property 'wiw_requests_per_minute' (WIW requests per minute) must be at least 1, not -5; for example: recipes properties set wiw_requests_per_minute 300.");
    for (const r of [url, file]) {
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/must be an http:\/\/ or https:\/\/ address/);
    }
    expect(account.code).to.equal(2);
    expect(account.stderr).to.contain('must be one of remove, keep');
    const list = await cli.json<{ name: string; source: string }[]>(['properties', 'list']);
    expect(list.filter((p) => p.source === 'set').map((p) => p.name)).to.deep.equal(['wiw_email']);
  });

  it('accepts good values in their normal form', async () => {
    const cli = new Cli(dirs.make());
    const r = await cli.ok(['properties', 'set', 'default_phone_region', 'gb']);
    expect(r.stdout).to.contain('default_phone_region set to GB');
  });
});
