/**
 * The user indexes (email, login, seat counter) against brute-force scans of the live state, after tens of
 * thousands of creates and a random mix of email changes, deletes and reactivations. Requests go straight to
 * the handler (no sockets) so the sizes stay large and the run short.
 */
import { expect } from 'chai';
import { createRng, pick, type Rng } from '../../../src/emulators/shared/rng.js';
import type { Reply } from '../../../src/emulators/shared/http.js';
import { WIW_CODES } from '../../../src/emulators/wheniwork/errors.js';
import { createWiwHandler } from '../../../src/emulators/wheniwork/server.js';
import { type AccountState, normEmail, WiwState } from '../../../src/emulators/wheniwork/state.js';
import { TokenSigner } from '../../../src/emulators/wheniwork/token.js';
import type { WiwPerson, WiwSeed, WiwUser } from '../../../src/emulators/wheniwork/types.js';

const ADMIN = 2001;
const A1 = 10001;
const A2 = 20002;
const ADMIN_IN_A2 = 9001;

function twoAccountSeed(): WiwSeed {
  const admin = 'admin@scale.example';
  return {
    developerKeys: ['k'],
    persons: [{ id: ADMIN, email: admin, password: 'pw', first_name: 'Ada', last_name: 'Admin' }],
    accounts: [
      { id: A1, company: 'One', seats: null, users: [{ id: 4001, role: 1, email: admin, first_name: 'Ada', last_name: 'Admin' }] },
      { id: A2, company: 'Two', seats: null, users: [{ id: ADMIN_IN_A2, role: 1, email: admin, first_name: 'Ada', last_name: 'Admin' }] },
    ],
  };
}

/** The handler driven directly, as the admin person, in account 1 or (with `inA2`) account 2. */
function driver(state: WiwState) {
  const signer = new TokenSigner(3600, Date.now);
  const handler = createWiwHandler({ state: () => state, signer, clock: Date.now });
  const token = signer.issue(ADMIN);
  return (method: string, path: string, body?: unknown, inA2 = false): Reply => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (inA2) headers['w-userid'] = String(ADMIN_IN_A2);
    const req = { method, path, query: new URLSearchParams(), headers, body, rawBody: body === undefined ? '' : JSON.stringify(body) };
    return handler(req) as Reply;
  };
}

// Brute-force answers: full scans of the live maps, as the emulator did before it had indexes.
function bruteFind(acc: AccountState, email: string, ok: (u: WiwUser) => boolean): WiwUser | undefined {
  const wanted = normEmail(email);
  if (wanted === '') return undefined;
  for (const u of acc.users.values()) if (ok(u) && normEmail(u.email) === wanted) return u;
  return undefined;
}
const bruteActiveWithEmail = (acc: AccountState, email: string, exceptId?: number) =>
  bruteFind(acc, email, (u) => !u.is_deleted && u.id !== exceptId);
const bruteDeletedWithEmail = (acc: AccountState, email: string) => bruteFind(acc, email, (u) => u.is_deleted);
function bruteActiveCount(acc: AccountState): number {
  let n = 0;
  for (const u of acc.users.values()) if (!u.is_deleted) n++;
  return n;
}

function firstByEmail(users: Iterable<WiwUser>, deleted: boolean): Map<string, WiwUser> {
  const out = new Map<string, WiwUser>();
  for (const u of users) {
    const key = normEmail(u.email);
    if (key && u.is_deleted === deleted && !out.has(key)) out.set(key, u);
  }
  return out;
}

/** Every index answer equals the brute-force one, for every email and person in the state. */
function expectIndexesMatchScans(state: WiwState): void {
  for (const acc of state.accounts.values()) {
    const active = firstByEmail(acc.users.values(), false);
    const deleted = firstByEmail(acc.users.values(), true);
    const emails = [...new Set([...active.keys(), ...deleted.keys()])];
    const row = (e: string, a?: WiwUser, d?: WiwUser) => `${e} ${a?.id} ${d?.id}`;
    expect(emails.map((e) => row(e, acc.index.activeWithEmail(e), acc.index.deletedWithEmail(e.toUpperCase()))))
      .to.deep.equal(emails.map((e) => row(e, active.get(e), deleted.get(e))));
    expect(state.activeUserCount(acc)).to.equal(bruteActiveCount(acc));
  }
  const persons = new Map<string, WiwPerson>();
  for (const p of state.persons.values()) if (normEmail(p.email) && !persons.has(normEmail(p.email))) persons.set(normEmail(p.email), p);
  const emails = [...persons.keys()];
  expect(emails.map((e) => state.personByEmail(` ${e.toUpperCase()} `)?.id)).to.deep.equal(emails.map((e) => persons.get(e)!.id));
  const ofPerson = new Map<number, number[]>();
  for (const acc of state.accounts.values()) {
    for (const u of acc.users.values()) {
      if (u.is_deleted) continue;
      const list = ofPerson.get(u.login_id);
      if (list) list.push(u.id);
      else ofPerson.set(u.login_id, [u.id]);
    }
  }
  const people = [...state.persons.keys()];
  const line = (id: number, users: number[]) => `${id}: ${users.join(',')}`;
  expect(people.map((id) => line(id, state.usersOfPerson(id).map((u) => u.id))))
    .to.deep.equal(people.map((id) => line(id, ofPerson.get(id) ?? [])));
}

/** One random request, checked against what a scan of the state before it predicts; returns the case it hit. */
function randomStep(rng: Rng, call: ReturnType<typeof driver>, acc: AccountState, pool: string[], ids: number[]): string {
  const lastId = Math.max(...acc.users.keys());
  const seats = acc.account.seats ?? Infinity;
  const before = bruteActiveCount(acc);
  let email = pick(rng, pool);
  const r = rng();
  const kind = r < 0.35 ? 0 : r < 0.7 ? 1 : r < 0.85 ? 2 : 3;
  let hit = 'account';
  if (kind === 0) {
    const reactivate = rng() < 0.7;
    const dup = bruteActiveWithEmail(acc, email);
    const deleted = reactivate ? bruteDeletedWithEmail(acc, email) : undefined;
    const res = call('POST', '/2/users', { first_name: 'R', last_name: 'S', email, reactivate, invite: false });
    hit = dup ? 'create duplicate' : before >= seats ? 'create no seat' : deleted ? 'create reactivates' : 'create new';
    if (dup) expect(res.body).to.include({ code: WIW_CODES.DUPLICATE_EMAIL });
    else if (before >= seats) expect(res.status).to.equal(500);
    else if (deleted) expect((res.body as { user: WiwUser }).user.id).to.equal(deleted.id);
    else expect((res.body as { user: WiwUser }).user.id).to.be.above(lastId);
  } else if (kind === 1) {
    const user = acc.users.get(pick(rng, ids))!;
    const reactivate = rng() < 0.5;
    if (rng() < 0.4) email = user.email;
    const willBeActive = !user.is_deleted || reactivate;
    const restoring = reactivate && user.is_deleted;
    const dup = willBeActive ? bruteActiveWithEmail(acc, email, user.id) : undefined;
    const res = call('PUT', `/2/users/${user.id}`, { email, reactivate });
    hit = dup ? 'update duplicate' : restoring && before >= seats ? 'update no seat' : restoring ? 'update reactivates' : 'update';
    if (dup) expect(res.body).to.include({ code: WIW_CODES.DUPLICATE_EMAIL });
    else if (restoring && before >= seats) expect(res.status).to.equal(500);
    else expect([res.status, user.email, user.is_deleted && reactivate]).to.deep.equal([200, email.trim(), false]);
  } else if (kind === 2) {
    const id = pick(rng, ids);
    expect(call('DELETE', `/2/users/${id}`).status).to.equal(200);
    expect(acc.users.get(id)!.is_deleted).to.equal(true);
    hit = 'delete';
  }
  const account = call('GET', '/2/account').body as { account: { users_count: number } };
  expect(account.account.users_count).to.equal(bruteActiveCount(acc));
  return hit;
}

describe('WIW emulator: user indexes at scale', function () {
  this.timeout(120_000);

  describe('20,000 users with random email changes, deletes and reactivations', () => {
    let state: WiwState;
    let call: ReturnType<typeof driver>;
    let acc: AccountState;
    const rng = createRng(7);
    const pool: string[] = [];
    /** The first 2,000 users created in account 1: the targets of random updates and deletes. */
    const targets: number[] = [];

    before(() => {
      state = new WiwState(twoAccountSeed(), Date.now);
      call = driver(state);
      acc = state.accounts.get(A1)!;
      for (let i = 0; i < 20_000; i++) {
        const email = `user${i}@scale.example`;
        const res = call('POST', '/2/users', { first_name: `F${i}`, last_name: 'L', email, invite: false });
        expect(res.status).to.equal(200);
        if (i < 2000) targets.push((res.body as { user: WiwUser }).user.id);
        // Every tenth person also works in account 2: one login, two users.
        if (i % 10 === 0) expect(call('POST', '/2/users', { first_name: `F${i}`, last_name: 'L', email, invite: false }, true).status).to.equal(200);
        if (i < 2000 && rng() < 0.15) pool.push(rng() < 0.5 ? email : `  ${email.toUpperCase()} `);
      }
      for (let i = 0; i < 60; i++) pool.push(`fresh${i}@scale.example`);
      for (const id of targets) if (rng() < 0.3) expect(call('DELETE', `/2/users/${id}`).status).to.equal(200);
    });

    it('answers every request as a scan of the state before it predicts (duplicates, seats, reactivate-by-email)', () => {
      const hits = new Map<string, number>();
      for (let i = 0; i < 400; i++) {
        // Alternate stretches with the plan full and with room, so both seat outcomes occur.
        if (i % 50 === 0) acc.account.seats = bruteActiveCount(acc) + (i % 100 === 0 ? 1 : 40);
        const hit = randomStep(rng, call, acc, pool, targets);
        hits.set(hit, (hits.get(hit) ?? 0) + 1);
      }
      // Every case was exercised, or the comparison proves less than it claims.
      expect([...hits.keys()].sort()).to.deep.equal([
        'account', 'create duplicate', 'create new', 'create no seat', 'create reactivates',
        'delete', 'update', 'update duplicate', 'update no seat', 'update reactivates',
      ]);
    });

    it('gives the same answers as brute-force scans for every email, person and seat count afterwards', () => {
      expectIndexesMatchScans(state);
    });

    it('lists deleted and active users in one pass, in creation order', () => {
      const listed = call('GET', '/2/users', undefined).body as { users: WiwUser[] };
      expect(listed.users.map((u) => u.id)).to.deep.equal([...acc.users.values()].filter((u) => !u.is_deleted).map((u) => u.id));
    });

    it('finds users again after direct edits once reindex() is called', () => {
      const user = [...acc.users.values()].find((u) => !u.is_deleted && u.id !== 4001)!;
      user.email = 'edited.directly@scale.example';
      user.is_deleted = true;
      state.reindex();
      expect(acc.index.deletedWithEmail('Edited.Directly@scale.example')?.id).to.equal(user.id);
      expectIndexesMatchScans(state);
    });
  });

  it('creates 50,000 users in one account in seconds, not minutes', () => {
    const state = new WiwState(twoAccountSeed(), Date.now);
    const call = driver(state);
    for (let i = 0; i < 50_000; i++) {
      const res = call('POST', '/2/users', { first_name: `F${i}`, last_name: 'L', email: `u${i}@big.example`, invite: false });
      if (res.status !== 200) throw new Error(`create ${i}: ${JSON.stringify(res.body)}`);
    }
    expect((call('GET', '/2/account').body as { account: { users_count: number } }).account.users_count).to.equal(50_001);
    expect(state.usersOfPerson(ADMIN).map((u) => u.id)).to.deep.equal([4001, ADMIN_IN_A2]);
  });
});
