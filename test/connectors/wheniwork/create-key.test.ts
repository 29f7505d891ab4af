/**
 * create_user across the jobs of one project: two jobs that create the same employee's user at once make
 * one user, a later job whose listing is older uses it, and a hold left by a job that died is taken over
 * after looking the user up. A real state store (both databases) and the emulator over loopback.
 */
import { expect } from 'chai';
import type { WiwClient } from '../../../src/connectors/wheniwork/client.js';
import { HOLD_STALE_MS } from '../../../src/connectors/wheniwork/actions/create-key.js';
import { startWiwEmulator, type WiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import type { Store } from '../../../src/engine/store/index.js';
import type { ActionContext } from '../../../src/engine/types.js';
import { forEachDatabase } from '../../support/databases.js';
import { rawExec, TempDirs } from '../../engine/store/helpers.js';
import { connectTo, makeCtx, rejection, run } from './helpers.js';

forEachDatabase('wheniwork connector: one user per employee code across jobs', function (db) {
  this.timeout(60_000);
  const temp = new TempDirs(db);
  let wiw: WiwEmulator;
  let client: WiwClient;
  let store: Store;
  before(async () => {
    wiw = await startWiwEmulator();
    client = connectTo(wiw);
    store = await temp.open();
  });
  beforeEach(() => {
    wiw.reset();
    wiw.faults.clear();
  });
  after(async () => {
    await client?.close();
    await wiw?.close();
    await temp.cleanup();
  });

  let project = 0;
  /** Each test its own project, so keys of one test are not seen by the next (the emulator's ids restart). */
  beforeEach(() => void project++);
  const jobCtx = (jobId: number): ActionContext<WiwClient> => ({ ...makeCtx(client), jobId: String(jobId), writeKeys: store.writeKeys(`p${project}`, String(jobId)) });
  const creates = () => wiw.stats.get('POST /2/users') ?? 0;
  const live = (code: string) => wiw.snapshot().accounts[0]!.users.filter((u) => u.employee_code === code && u.is_deleted !== true);
  /** A key as another process left it. */
  const leave = (value: string) =>
    rawExec(temp, store, 'INSERT INTO write_keys (project, key, value, updated_at) VALUES (?, ?, ?, ?)', `p${project}`, 'wheniwork.user e-2001', value, new Date().toISOString());
  const keyValue = async () => {
    const r = await store.writeKeys(`p${project}`, '0').take('wheniwork.user e-2001');
    return 'seen' in r ? r.seen : undefined;
  };
  const hire = (email: string) => ({ first_name: 'Nina', last_name: 'New', email, employee_code: 'E-2001' });

  it('two jobs creating the same employee at once: one POST, one user, both jobs get it', async () => {
    wiw.faults.configure({ latencyMs: 80 }); // the second take happens while the first POST is in flight
    const before = creates();
    const [a, b] = await Promise.all([run('create_user', hire('nina@example.com'), jobCtx(1)), run('create_user', hire('nina.new@example.com'), jobCtx(2))]);
    expect(creates() - before).to.equal(1);
    expect(a.id).to.equal(b.id);
    expect(live('E-2001').map((u) => u.id)).to.deep.equal([a.id]);
  });

  it('a later job working from an older listing uses the user instead of creating it again', async () => {
    const first = await run('create_user', hire('nina@example.com'), jobCtx(1));
    const before = { creates: creates(), gets: wiw.stats.get('GET /2/users/:id') ?? 0 };
    const again = await run('create_user', hire('nina@example.com'), jobCtx(2));
    expect(again.id).to.equal(first.id);
    expect(creates()).to.equal(before.creates);
    expect((wiw.stats.get('GET /2/users/:id') ?? 0) - before.gets, 'one GET of that user').to.equal(1);
  });

  it('a user deleted since (or recoded) does not stand: the next job creates a new one', async () => {
    const first = await run('create_user', hire('nina@example.com'), jobCtx(1));
    await run('delete_user', { id: first.id }, jobCtx(1));
    const second = await run('create_user', hire('nina@example.com'), jobCtx(2));
    expect(second.id).not.to.equal(first.id);
    expect(live('E-2001').map((u) => u.id)).to.deep.equal([second.id]);
  });

  it('a hold left by a job that died after its POST landed: the next job finds that user, and creates nothing', async () => {
    const landed = await run('create_user', hire('nina@example.com'), makeCtx(client)); // no write keys: as if the record never followed
    const old = new Date(Date.now() - HOLD_STALE_MS - 1000).toISOString();
    await leave(`held 7 ${old}`);
    const before = creates();
    const found = await run('create_user', hire('nina@example.com'), jobCtx(8));
    expect(found.id).to.equal(landed.id);
    expect(creates()).to.equal(before);
    expect(await keyValue()).to.equal(`done ${landed.id}`);
  });

  it("a job's own earlier attempt held it (its worker died before the POST): the new attempt creates the user", async () => {
    await leave(`held 9 ${new Date().toISOString()}`);
    const before = creates();
    const user = await run('create_user', hire('nina@example.com'), jobCtx(9));
    expect(creates() - before).to.equal(1);
    expect(live('E-2001').map((u) => u.id)).to.deep.equal([user.id]);
  });

  it('a create WIW refuses frees the key: another job may create the user', async () => {
    const taken = wiw.snapshot().accounts[0]!.users[0]!.email!;
    expect((await rejection(run('create_user', hire(taken), jobCtx(1)))).code).to.equal('WIW_DUPLICATE_EMAIL');
    const released = await store.writeKeys(`p${project}`, '0').take('wheniwork.user e-2001');
    expect(released, 'the key was free again').to.deep.equal({ taken: true });
    await store.writeKeys(`p${project}`, '0').release('wheniwork.user e-2001');
    const user = await run('create_user', hire('nina@example.com'), jobCtx(2));
    expect(live('E-2001').map((u) => u.id)).to.deep.equal([user.id]);
  });
});
