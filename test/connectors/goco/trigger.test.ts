import { expect } from 'chai';
import { goco } from '../../../src/connectors/goco/index.js';
import type { ActionContext, PollResult, TriggerEvent } from '../../../src/engine/types.js';
import type { GocoClient } from '../../../src/connectors/goco/index.js';
import type { Employee } from '../../../src/connectors/goco/index.js';
import { afterPages, at, context, employee, failure, harness, seedOf, uid, type Captured, type Harness } from './helpers.js';

const trigger = goco.triggers!.employee_changed!;
type Events = TriggerEvent<Employee>[];

const ids = (events: Events) => events.map((e) => e.data.id);
const lastCursor = (events: Events): unknown => JSON.parse(JSON.stringify(events[events.length - 1]!.cursor));

/** The events of one poll, as the engine sees them (an array, or the events of a PollResult). */
async function poll(input: object, cursor: unknown, limit: number, ctx: ActionContext<GocoClient>): Promise<Events> {
  const result = await trigger.poll(input, cursor, limit, ctx);
  return Array.isArray(result) ? result : result.events;
}

/** The starting cursor a first poll hands the engine, through JSON as the store keeps it. */
async function start(input: object, ctx: ActionContext<GocoClient>): Promise<PollResult<Employee>> {
  const result = await trigger.poll(input, undefined, 10, ctx);
  return JSON.parse(JSON.stringify(Array.isArray(result) ? { events: result } : result)) as PollResult<Employee>;
}

describe('goco employee_changed trigger', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await harness({ seed: seedOf([1, 2, 3].map((n) => employee(n))) });
  });
  afterEach(async () => {
    await h.close();
  });

  it('starts a fresh recipe after the most recent change: no event, a starting cursor at it', async () => {
    const result = await start({}, context(h.connect()));
    expect(result).to.deep.equal({ events: [], cursor: { updatedAt: at(3), id: uid(3) } });
  });

  it('delivers only changes made after the first poll', async () => {
    const c = h.connect();
    const { cursor } = await start({}, context(c));
    h.emulator.updateEmployee(uid(2), { jobTitle: 'Chef' });
    expect(ids(await poll({}, cursor, 10, context(c)))).to.deep.equal([uid(2)]);
  });

  it('starts an empty GoCo at the beginning, so its first hire is an event', async () => {
    const empty = await harness({ seed: seedOf([]) });
    try {
      const c = empty.connect();
      const { events, cursor } = await start({}, context(c));
      const hired = empty.emulator.hire({ firstName: 'First', lastName: 'Ever' });
      expect([events, ids(await poll({}, cursor, 10, context(c)))]).to.deep.equal([[], [hired.id]]);
    } finally {
      await empty.close();
    }
  });

  it('with since and no cursor returns every change at or after since, oldest first', async () => {
    const events: Events = await poll({ since: at(2) }, undefined, 10, context(h.connect()));
    expect(ids(events)).to.deep.equal([uid(2), uid(3)]);
  });

  it('with since and nothing changed since then, starts the cursor at since', async () => {
    const result = await start({ since: '2026-06-01T00:00:00Z' }, context(h.connect()));
    expect(result).to.deep.equal({ events: [], cursor: { updatedAt: '2026-06-01T00:00:00.000Z', id: '' } });
  });

  it('pages a long catch-up at the server maximum page size, each change once', async () => {
    const big = await harness({ seed: seedOf(Array.from({ length: 250 }, (_, i) => employee(i + 1, { updatedAt: at(Math.floor(i / 3)) }))) });
    try {
      const events = await poll({ since: at(0) }, undefined, 1000, context(big.connect({ page_size: 100 })));
      expect(ids(events)).to.deep.equal(Array.from({ length: 250 }, (_, i) => uid(i + 1)));
    } finally {
      await big.close();
    }
  });

  it('ignores since once a cursor is stored', async () => {
    const events: Events = await poll({ since: at(0) }, { updatedAt: at(2), id: uid(2) }, 10, context(h.connect()));
    expect(ids(events)).to.deep.equal([uid(3)]);
  });

  it('yields a hire, an email change and a termination as three events, in order', async () => {
    const c = h.connect();
    const { cursor } = await start({}, context(c));
    const hired = h.emulator.hire({ firstName: 'New', lastName: 'Hire' });
    h.emulator.updateEmployee(uid(1), { workEmail: 'changed@example.com' });
    h.emulator.terminate(uid(2), '2026-05-01');
    const events: Events = await poll({}, cursor, 10, context(c));
    expect(events.map((e) => [e.data.id, e.data.workEmail, e.data.status]))
      .to.deep.equal([[hired.id, null, 'active'], [uid(1), 'changed@example.com', 'active'], [uid(2), 'person2@example.com', 'terminated']]);
  });

  it('returns nothing when nothing changed after the cursor', async () => {
    const c = h.connect();
    const { cursor } = await start({}, context(c));
    expect(await poll({}, cursor, 10, context(c))).to.deep.equal([]);
  });

  it('gives each event the cursor of its own change', async () => {
    const updated = h.emulator.updateEmployee(uid(1), { jobTitle: 'Chef' });
    const [event] = await poll({}, { updatedAt: at(3), id: uid(3) }, 10, context(h.connect())) as Events;
    expect([event!.id, event!.cursor]).to.deep.equal([`${uid(1)}@${updated.updatedAt}`, { updatedAt: updated.updatedAt, id: uid(1) }]);
  });

  it('respects limit and returns the rest on the next poll', async () => {
    const c = h.connect();
    for (const n of [1, 2, 3]) h.emulator.updateEmployee(uid(n), { jobTitle: `T${n}` });
    const start = { updatedAt: at(3), id: uid(3) };
    const firstTwo: Events = await poll({}, start, 2, context(c));
    const rest: Events = await poll({}, lastCursor(firstTwo), 2, context(c));
    expect([ids(firstTwo), ids(rest)]).to.deep.equal([[uid(1), uid(2)], [uid(3)]]);
  });

  it('neither skips nor repeats across a restart (new connection, cursor through JSON)', async () => {
    const before = h.connect();
    const { cursor } = await start({}, context(before));
    h.emulator.updateEmployee(uid(1), { jobTitle: 'A' });
    h.emulator.updateEmployee(uid(2), { jobTitle: 'B' });
    const one: Events = await poll({}, cursor, 1, context(before));
    await before.close();
    h.emulator.updateEmployee(uid(3), { jobTitle: 'C' });
    const stored = JSON.stringify(one[0]!.cursor);
    const after: Events = await poll({}, JSON.parse(stored), 10, context(h.connect()));
    expect([...ids(one), ...ids(after)]).to.deep.equal([uid(1), uid(2), uid(3)]);
  });

  it('walks many changes across page boundaries (page_size 2) without skip or repeat', async () => {
    const c = h.connect({ page_size: 2 });
    const changed = [3, 1, 2, 1, 3].map((n) => h.emulator.updateEmployee(uid(n), { jobTitle: `J${n}` }));
    const events: Events = await poll({}, { updatedAt: at(3), id: uid(3) }, 100, context(c));
    // GoCo keeps each employee's latest state only, so the earlier changes of 3 and 1 are folded into later ones.
    expect(events.map((e) => e.id)).to.deep.equal(changed.slice(2).map((e) => `${e.id}@${e.updatedAt}`));
  });

  it('misses no change when one is made while a poll pages', async () => {
    const c = h.connect({ page_size: 2 });
    afterPages(c, (n) => n === 0 && void h.emulator.updateEmployee(uid(1), { jobTitle: 'Mid-poll' }));
    const events: Events = await poll({ since: at(0) }, undefined, 100, context(c));
    expect(ids(events)).to.deep.equal([uid(1), uid(2), uid(3), uid(1)]);
  });

  it('skips a change in a bad shape with a warning, and moves past it', async () => {
    const bad = await harness({ seed: seedOf([employee(1), { ...employee(2), firstName: null } as never, employee(3)]) });
    try {
      const captured: Captured = { warnings: [], progress: [] };
      const events: Events = await poll({ since: at(0) }, undefined, 10, context(bad.connect(), captured));
      expect([ids(events), captured.warnings.map((w) => w.id)]).to.deep.equal([[uid(1), uid(3)], [uid(2)]]);
    } finally {
      await bad.close();
    }
  });

  it('rejects a cursor that is not {updatedAt, id} with GOCO_BAD_CURSOR', async () => {
    const error = await failure(trigger.poll({}, { position: 4 }, 10, context(h.connect())));
    expect(error.code).to.equal('GOCO_BAD_CURSOR');
  });
});

describe('goco employee_changed: changes sharing one timestamp', () => {
  let h: Harness;
  const same = at(30);

  before(async () => {
    // Seeded in scrambled order: the tie-break is by id, not by insertion.
    h = await harness({ seed: seedOf([4, 2, 5, 1, 3].map((n) => employee(n, { updatedAt: same }))) });
  });
  after(async () => {
    await h.close();
  });

  it('orders same-timestamp changes by id', async () => {
    const events: Events = await poll({ since: same }, undefined, 10, context(h.connect()));
    expect(ids(events)).to.deep.equal([1, 2, 3, 4, 5].map(uid));
  });

  it('resumes inside a same-timestamp group from the cursor, with no skip or repeat', async () => {
    const c = h.connect();
    const first: Events = await poll({ since: same }, undefined, 2, context(c));
    const rest: Events = await poll({ since: same }, lastCursor(first), 10, context(c));
    expect([ids(first), ids(rest)]).to.deep.equal([[uid(1), uid(2)], [uid(3), uid(4), uid(5)]]);
  });

  it('resumes inside a group larger than a page (page_size 1)', async () => {
    const c = h.connect({ page_size: 1 });
    const collected: string[] = [];
    let cursor: unknown = { updatedAt: same, id: uid(1) };
    for (let round = 0; round < 6; round++) {
      const events: Events = await poll({}, cursor, 2, context(c));
      if (events.length === 0) break;
      collected.push(...ids(events));
      cursor = lastCursor(events);
    }
    expect(collected).to.deep.equal([2, 3, 4, 5].map(uid));
  });

  it('starts a fresh recipe after the highest id of the newest timestamp', async () => {
    expect((await start({}, context(h.connect()))).cursor).to.deep.equal({ updatedAt: same, id: uid(5) });
  });
});
