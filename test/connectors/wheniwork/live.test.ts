/**
 * Contract checks against the REAL When I Work API, read-only: login, account, list users. Skipped unless
 * WIW_LIVE_EMAIL, WIW_LIVE_PASSWORD and WIW_LIVE_KEY are set (optional: WIW_LIVE_ACCOUNT_ID, WIW_LIVE_LOGIN_URL,
 * WIW_LIVE_API_URL). Nothing here writes.
 */
import { expect } from 'chai';
import type { WiwClient } from '../../../src/connectors/wheniwork/client.js';
import { wheniwork } from '../../../src/connectors/wheniwork/index.js';
import type { WiwSettings } from '../../../src/connectors/wheniwork/settings.js';
import { makeCtx, run, silent } from './helpers.js';
import { skipBecause } from '../../skip.js';

describe('wheniwork connector: live contract (real API, read-only)', function () {
  this.timeout(60_000);
  let client: WiwClient;
  let ctx: ReturnType<typeof makeCtx>;

  before(function () {
    const { WIW_LIVE_EMAIL: email, WIW_LIVE_PASSWORD: password, WIW_LIVE_KEY: key } = process.env;
    if (!email || !password || !key) {
      skipBecause(this, 'set WIW_LIVE_EMAIL, WIW_LIVE_PASSWORD and WIW_LIVE_KEY to run live contract tests');
    }
    const settings: WiwSettings = {
      email: email!, password: password!, api_key: key!,
      ...(process.env.WIW_LIVE_ACCOUNT_ID ? { account_id: process.env.WIW_LIVE_ACCOUNT_ID } : {}),
      ...(process.env.WIW_LIVE_LOGIN_URL ? { login_url: process.env.WIW_LIVE_LOGIN_URL } : {}),
      ...(process.env.WIW_LIVE_API_URL ? { api_url: process.env.WIW_LIVE_API_URL } : {}),
      requests_per_minute: 30,
    };
    client = wheniwork.connect(settings, { logger: silent });
    ctx = makeCtx(client);
  });

  after(async () => {
    await client?.close();
  });

  it('logs in and chooses a workplace', async () => {
    const out = await run('login', {}, ctx);
    expect(out.account_id).to.be.a('number');
    expect(out.user_id).to.be.a('number');
  });

  it('reads the account', async () => {
    const out = await run('get_account', {}, ctx);
    expect(out.account.id).to.be.a('number');
    expect(out.seats_known).to.be.a('boolean');
  });

  it('lists users as integer ids with string employee codes', async () => {
    const { users } = await run('list_users', {}, ctx);
    expect(users).to.be.an('array').that.is.not.empty;
    for (const u of users) {
      expect(u.id).to.be.a('number');
      if (u.employee_code !== undefined && u.employee_code !== null) expect(u.employee_code).to.be.a('string');
    }
  });

  it('lists locations and positions', async () => {
    expect((await run('list_locations', {}, ctx)).locations).to.be.an('array');
    expect((await run('list_positions', {}, ctx)).positions).to.be.an('array');
  });
});
