import { inspect } from 'node:util';
import { expect } from 'chai';
import { serializeError } from '../../../src/engine/errors.js';
import type { WiwClient } from '../../../src/connectors/wheniwork/client.js';
import { wheniwork } from '../../../src/connectors/wheniwork/index.js';
import { startWiwEmulator, type WiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import { connectTo, makeCtx, recordingLogger, rejection, run } from './helpers.js';

describe('wheniwork connector: locations, positions, account', () => {
  let wiw: WiwEmulator;
  let client: WiwClient;
  let ctx: ReturnType<typeof makeCtx>;
  before(async () => {
    wiw = await startWiwEmulator();
    client = connectTo(wiw);
    ctx = makeCtx(client);
  });
  beforeEach(() => wiw.reset());
  after(async () => {
    await client.close();
    await wiw.close();
  });

  it('list_locations returns the workplace\'s locations', async () => {
    const { locations } = await run('list_locations', {}, ctx);
    expect(locations.map((l: { name: string }) => l.name)).to.deep.equal(['Downtown', 'Uptown']);
  });

  it('create_location creates a location with its address', async () => {
    const location = await run('create_location', { name: ' Airport ', address: '1 Terminal Dr' }, ctx);
    expect(location).to.include({ name: 'Airport', address: '1 Terminal Dr' });
    expect(location.id).to.be.a('number');
  });

  it('update_location renames and leaves a null address alone', async () => {
    const location = await run('update_location', { id: '301', name: 'Downtown East', address: null }, ctx);
    expect(location).to.include({ id: 301, name: 'Downtown East', address: '100 Main St, Minneapolis, MN 55401' });
  });

  it('update_location of an unknown id is WIW_NOT_FOUND', async () => {
    const error = await rejection(run('update_location', { id: 999, name: 'X' }, ctx));
    expect(error.code).to.equal('WIW_NOT_FOUND');
  });

  it('list_positions returns the positions', async () => {
    const { positions } = await run('list_positions', {}, ctx);
    expect(positions.map((p: { id: number }) => p.id)).to.deep.equal([501, 502]);
  });

  it('create_position and update_position', async () => {
    const created = await run('create_position', { name: 'Baker' }, ctx);
    const renamed = await run('update_position', { id: created.id, name: 'Head Baker', color: '00aa00' }, ctx);
    expect(renamed).to.include({ id: created.id, name: 'Head Baker', color: '00aa00' });
  });

  it('create_location has a dry-run stand-in', () => {
    expect(wheniwork.actions.create_location!.plan!({ name: 'X' })).to.deep.equal({ id: null, dry_run: true, name: 'X' });
  });

  it('get_account reads the seat figures', async () => {
    const out = await run('get_account', {}, ctx);
    expect(out.account).to.include({ id: 10001, company: 'Acme Coffee' });
    expect(out).to.include({ seats: 50, users_count: 4, seats_free: 46, seats_known: true });
  });

  it('get_account says when the seats are not known', async () => {
    wiw.state.accounts.get(10001)!.account.seats = null;
    const out = await run('get_account', {}, ctx);
    expect(out).to.include({ seats: null, users_count: 4, seats_free: null, seats_known: false });
  });

  it('no token, password or key appears in outputs, errors or logs', async () => {
    const { logger, lines } = recordingLogger();
    const secrets = [wiw.credentials.password, wiw.credentials.apiKey];
    const seen: unknown[] = [];
    const good = connectTo(wiw, {}, logger);
    const gctx = makeCtx(good, logger);
    seen.push(await run('login', {}, gctx), await run('get_account', {}, gctx), await run('list_users', {}, gctx));
    seen.push(await wheniwork.test!(good, gctx), good, good.session);
    wiw.state.accounts.get(10001)!.account.seats = 4;
    seen.push(serializeError(await rejection(run('create_user', { first_name: 'A', last_name: 'B', email: 'a@b.example' }, gctx))));
    for (const bad of [{ password: 'wrong-password-123' }, { api_key: 'wrong-key-456' }]) {
      const c = connectTo(wiw, bad, logger);
      seen.push(serializeError(await rejection(run('login', {}, makeCtx(c, logger)))));
      secrets.push(Object.values(bad)[0]!);
      await c.close();
    }
    await good.close();
    const text = JSON.stringify(seen) + lines.join('') + inspect(good, { depth: 6 });
    for (const secret of secrets) expect(text).to.not.include(secret);
    expect(text).to.not.match(/eyJ[\w-]+\./);
    expect(lines.length).to.be.greaterThan(0);
  });
});
