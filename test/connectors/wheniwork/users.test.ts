import { expect } from 'chai';
import { wheniwork } from '../../../src/connectors/wheniwork/index.js';
import type { WiwClient } from '../../../src/connectors/wheniwork/client.js';
import { startWiwEmulator, type WiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import { connectTo, makeCtx, rejection, run } from './helpers.js';

const isCreate = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/2/users';

describe('wheniwork connector: users', () => {
  let wiw: WiwEmulator;
  let client: WiwClient;
  let ctx: ReturnType<typeof makeCtx>;
  before(async () => {
    wiw = await startWiwEmulator();
    client = connectTo(wiw);
    ctx = makeCtx(client);
  });
  beforeEach(() => {
    wiw.reset();
    wiw.faults.clear();
  });
  after(async () => {
    await client.close();
    await wiw.close();
  });

  const usersOf = () => wiw.snapshot().accounts[0]!.users;
  /** Stats survive `reset()`: count from a mark. */
  const creates = () => wiw.stats.get('POST /2/users') ?? 0;
  const newcomer = { first_name: 'Nina', last_name: 'New', email: 'Nina.New@example.com', employee_code: 'E-2001' };

  describe('reading', () => {
    it('list_users returns every user of the workplace', async () => {
      const { users } = await run('list_users', {}, ctx);
      expect(users.map((u: { id: number }) => u.id)).to.deep.equal([4001, 4002, 4003, 4004]);
    });

    it('list_users hides deleted users unless show_deleted', async () => {
      await run('delete_user', { id: 4003 }, ctx);
      expect((await run('list_users', {}, ctx)).users).to.have.length(3);
      expect((await run('list_users', { show_deleted: true }, ctx)).users).to.have.length(4);
    });

    it('list_users filters by location and search', async () => {
      expect((await run('list_users', { location_id: '302' }, ctx)).users.map((u: { id: number }) => u.id)).to.deep.equal([4001, 4003]);
      expect((await run('list_users', { search: 'barista' }, ctx)).users.map((u: { id: number }) => u.id)).to.deep.equal([4002]);
    });

    it('get_user returns one user', async () => {
      const user = await run('get_user', { id: '4002' }, ctx);
      expect(user).to.include({ id: 4002, employee_code: 'E-1001' });
    });

    it('get_user of an unknown id is WIW_NOT_FOUND', async () => {
      const error = await rejection(run('get_user', { id: 9999 }, ctx));
      expect(error.code).to.equal('WIW_NOT_FOUND');
    });
  });

  describe('writing', () => {
    it('create_user creates an employee (role 3, invited) and returns it', async () => {
      const user = await run('create_user', { ...newcomer, phone_number: null, locations: ['301', null], positions: [501] }, ctx);
      expect(user).to.include({ first_name: 'Nina', role: 3, employee_code: 'E-2001', phone_number: '' });
      expect(user.locations).to.deep.equal([301]);
      expect(user.invited_at).to.be.a('string');
      expect(usersOf()).to.have.length(5);
    });

    it('create_user with invite false sends no invitation', async () => {
      await run('create_user', { ...newcomer, invite: false }, ctx);
      expect(wiw.invitesSent).to.equal(0);
    });

    it('create_user has a dry-run stand-in with a null id', () => {
      expect(wheniwork.actions.create_user!.plan!(newcomer)).to.include({ id: null, dry_run: true, first_name: 'Nina' });
    });

    it('update_user sends only the fields given, never nulls', async () => {
      const user = await run('update_user', { id: 4002, last_name: 'Brewer', email: null, phone_number: '' }, ctx);
      expect(user).to.include({ last_name: 'Brewer', email: 'bob.barista@acme-coffee.example', phone_number: '+16125550101' });
    });

    it('delete_user deletes and update_user reactivate brings the user back', async () => {
      expect(await run('delete_user', { id: 4003 }, ctx)).to.deep.equal({ id: 4003, deleted: true });
      expect((await run('get_user', { id: 4003 }, ctx)).is_deleted).to.equal(true);
      expect((await run('update_user', { id: 4003, reactivate: true }, ctx)).is_deleted).to.equal(false);
    });

    it('a taken email is WIW_DUPLICATE_EMAIL', async () => {
      const error = await rejection(run('create_user', { first_name: 'Bob', last_name: 'Again', email: 'BOB.barista@acme-coffee.example' }, ctx));
      expect(error.code).to.equal('WIW_DUPLICATE_EMAIL');
      expect(error.message).to.include('Bob Again');
    });

    it('another refusal is WIW_REJECTED with WIW\'s text and code', async () => {
      const error = await rejection(run('create_user', { first_name: '   ', last_name: 'Blank' }, ctx));
      expect(error.code).to.equal('WIW_REJECTED');
      expect(error.message).to.include('The first_name field is required.').and.include('code 1050');
    });

    it('a 500 on create is WIW_SEAT_LIMIT with the explanation', async () => {
      wiw.state.accounts.get(10001)!.account.seats = 4;
      const error = await rejection(run('create_user', newcomer, ctx));
      expect(error.code).to.equal('WIW_SEAT_LIMIT');
      expect(error.kind).to.equal('operational');
      expect(error.message).to.equal('When I Work refused to create Nina New (HTTP 500). The account has probably reached its user '
        + 'limit: it has fewer seats than employees, or duplicate users are taking seats. Remove duplicates or terminated users '
        + 'in When I Work, or add seats to the plan, then run the sync again.');
    });
  });

  describe('create_user after a lost reply', () => {
    it('reset after commit: exactly one user exists and create_user returns it', async () => {
      wiw.faults.inject('reset_after', isCreate);
      const mark = creates();
      const user = await run('create_user', newcomer, ctx);
      const created = usersOf().filter((u) => u.employee_code === 'E-2001');
      expect(created).to.have.length(1);
      expect(user.id).to.equal(created[0]!.id);
      expect(creates() - mark).to.equal(1);
    });

    it('reset after commit without an employee code: found by lower-cased email', async () => {
      wiw.faults.inject('reset_after', isCreate);
      const { employee_code: _code, ...noCode } = newcomer;
      const user = await run('create_user', noCode, ctx);
      expect(usersOf().filter((u) => u.email === 'Nina.New@example.com')).to.have.length(1);
      expect(user.email).to.equal('Nina.New@example.com');
    });

    it('reset before commit: the user is absent, so the create is sent again and lands once', async () => {
      wiw.faults.inject('reset_before', isCreate);
      const mark = creates();
      const user = await run('create_user', newcomer, ctx);
      expect(usersOf().filter((u) => u.employee_code === 'E-2001').map((u) => u.id)).to.deep.equal([user.id]);
      expect(creates() - mark).to.equal(2);
    });

    it('a 503 on create is repeated (nothing was done) and lands once', async () => {
      wiw.faults.inject('status503', isCreate);
      await run('create_user', newcomer, ctx);
      expect(usersOf().filter((u) => u.employee_code === 'E-2001')).to.have.length(1);
    });
  });

  describe('retries', () => {
    it('a 503 on a read is retried', async () => {
      wiw.faults.inject('status503', (r) => r.path === '/2/users');
      expect((await run('list_users', {}, ctx)).users).to.have.length(4);
      expect(wiw.faults.served.status503).to.be.greaterThan(0);
    });

    it('a 429 is retried after Retry-After', async () => {
      wiw.faults.inject('status429', (r) => r.path === '/2/users');
      expect((await run('list_users', {}, ctx)).users).to.have.length(4);
    });

    it('WIW\'s 403 rate limit is retried', async () => {
      const limited = await startWiwEmulator({ rateLimit: { limit: 3, mode: '403', windowMs: 400 } });
      const c = connectTo(limited);
      const lctx = makeCtx(c);
      try {
        for (let i = 0; i < 4; i++) expect((await run('list_users', {}, lctx)).users).to.have.length(4);
        expect(c.transport.stats.rateLimited).to.be.greaterThan(0);
      } finally {
        await c.close();
        await limited.close();
      }
    });
  });
});
