/**
 * Every connector action and trigger declares an output schema that nothing checks at run time (the hot path
 * stays fast). Here the whole package runs against the emulators, in-process, with each action, plan and poll
 * wrapped to validate what it actually returned against what it declares; the actions no recipe uses are
 * called directly. A drifted schema fails naming the action and the schema error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { silentLogger } from '../../src/engine/logger.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import type { ActionContext, ActionDef, ConnectorDef, ConnectorRegistry, JsonSchema, PollTriggerDef } from '../../src/engine/types.js';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { demoSeed } from '../../src/emulators/seed/index.js';
import { ROOT } from './helpers.js';

// Not the engine's validator: that one fills in defaults, which would change the output it checks.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

class OutputChecks {
  /** `connector.action` (or `connector.trigger`) -> outputs checked. */
  readonly counts = new Map<string, number>();
  readonly failures: string[] = [];

  check(name: string, schema: JsonSchema, value: unknown): void {
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (!validate(value)) {
      const why = ajv.errorsText(validate.errors, { dataVar: 'output' });
      if (!this.failures.some((f) => f.startsWith(`${name}: ${why}`))) this.failures.push(`${name}: ${why} (in ${JSON.stringify(value).slice(0, 300)})`);
    }
  }

  /** Copies of the connectors whose actions, plans and polls check their outputs; the originals are untouched. */
  wrap(registry: ConnectorRegistry): ConnectorRegistry {
    const action = (name: string, def: ActionDef): ActionDef => ({
      ...def,
      run: async (input, ctx) => {
        const out: unknown = await def.run(input, ctx);
        this.check(name, def.output, out);
        return out;
      },
      plan: def.plan && ((input) => {
        const out: unknown = def.plan!(input);
        // A dry run's stand-in for a record not yet created has no id (`id: null`, `dry_run: true`); the rest must hold.
        const standIn = out as { id?: unknown; dry_run?: unknown };
        this.check(`${name} (plan)`, def.output, standIn.dry_run === true && standIn.id === null ? { ...standIn, id: 0 } : out);
        return out;
      }),
    });
    const trigger = (name: string, def: PollTriggerDef): PollTriggerDef => ({
      ...def,
      poll: async (input, cursor, limit, ctx) => {
        const result = await def.poll(input, cursor, limit, ctx);
        for (const event of Array.isArray(result) ? result : result.events) this.check(name, def.output, event.data);
        return result;
      },
    });
    return registry.map((c): ConnectorDef => ({
      ...c,
      actions: Object.fromEntries(Object.entries(c.actions).map(([n, d]) => [n, action(`${c.name}.${n}`, d)])),
      triggers: c.triggers && Object.fromEntries(Object.entries(c.triggers).map(([n, d]) => [n, trigger(`${c.name}.${n}`, d)])),
    }));
  }
}

describe('e2e: every action returns what its output schema declares', function () {
  this.timeout(120_000);
  const checks = new OutputChecks();
  const registry = checks.wrap(connectors);
  const seed = demoSeed();
  let pair: EmulatorPair;
  let dataDir: string;
  let rt: Runtime;

  before(async () => {
    pair = await startEmulators({ seed });
    dataDir = await mkdtemp(join(tmpdir(), 'recipes-outputs-'));
    rt = await Runtime.open({ packageDir: join(ROOT, 'recipes', 'wiw-provisioning'), dataDir, connectors: registry, logger: silentLogger() });
    for (const [name, value] of Object.entries(pair.properties)) await rt.properties.set(name, value);
  });
  after(async () => {
    await rt?.close();
    await pair?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** One test run; false when a polling recipe found no event. */
  async function test(name: string, options: { dryRun?: boolean } = {}): Promise<boolean> {
    const job = await rt.test(name, { ...options, force: true });
    expect(job === undefined || job.status === 'succeeded', `${name}: ${JSON.stringify(job?.error)}`).to.equal(true);
    return job !== undefined;
  }

  /** employee-sync until every change is processed (bounded). */
  async function drain(): Promise<void> {
    for (let i = 0; i < 20; i++) if (!(await test('employee-sync'))) return;
    throw new Error('employee-sync still had events after 20 runs');
  }

  it("runs the package's recipes through the admin's flow and the changes HR makes", async () => {
    await test('employee-sync'); // marks "now"
    await test('location-sync');
    await test('department-sync');
    await test('all-employees-sync', { dryRun: true });
    await test('all-employees-sync');
    await test('duplicates');
    const [uptown, , lakeside] = seed.goco.locations;
    const [foh, , mgmt] = seed.goco.departments;
    pair.goco.renameLocation(uptown!.id, 'Uptown Cafe and Bar');
    pair.goco.addLocation({ name: 'Harbour Kiosk' });
    pair.goco.renameDepartment(foh!.id, 'Front of House and Patio');
    await test('location-sync');
    await test('department-sync');
    const person = (last: string, first: string) => seed.goco.employees.find((e) => e.lastName === last && e.firstName === first)!;
    pair.goco.updateEmployee(person('Gardner', 'Elanor').id, { lastName: 'Fairbairn', workLocationId: lakeside!.id, departmentId: mgmt!.id });
    pair.goco.hire({ firstName: 'Farmer', lastName: 'Maggot', workEmail: 'farmer.maggot@shirehospitality.example', workLocationId: uptown!.id, departmentId: foh!.id });
    await drain();
    pair.goco.terminate(person('Cotton', 'Tom').id, '2026-06-30');
    await drain();
    pair.goco.rehire(person('Cotton', 'Tom').id, '2026-08-01');
    await drain();
  });

  it('calls the actions no recipe uses directly', async () => {
    const values = (await rt.properties.resolve()).values;
    const ctx = async (connectorName: string): Promise<ActionContext> => {
      const conn = Object.values(rt.package.connections).find((c) => c.connector.name === connectorName)!;
      const connector = registry.find((c) => c.name === connectorName)!;
      const handle: unknown = connector.connect(await conn.settings.evaluate({ properties: values }), { logger: silentLogger() });
      const noMappings = { get: async () => undefined, set: async () => undefined, delete: async () => undefined, all: async () => ({}) };
      return { connection: handle, logger: silentLogger(), signal: new AbortController().signal, dryRun: false, mappings: noMappings, progress: () => undefined, jobId: 'outputs' };
    };
    const byName = (c: string) => registry.find((x) => x.name === c)!;
    const wiw = await ctx('wheniwork');
    const goco = await ctx('goco');
    try {
      const actions = byName('wheniwork').actions;
      await actions.login!.run({}, wiw);
      const { users } = (await actions.list_users!.run({}, wiw)) as { users: { id: number }[] };
      await actions.get_user!.run({ id: users[0]!.id }, wiw);
      await byName('goco').actions.get_employee!.run({ id: seed.goco.employees[0]!.id }, goco);
      // The file connector is the example package's (recipes/examples/file-to-wiw): read a file of two records.
      const dir = await mkdtemp(join(tmpdir(), 'recipes-outputs-file-'));
      try {
        await writeFile(join(dir, 'people.json'), '[{"id": "1"}, {"id": "2"}]');
        const file = byName('file');
        const connection: unknown = file.connect({ path: join(dir, 'people.json') }, { logger: silentLogger() });
        expect(await file.actions.read_records!.run({}, { ...wiw, connection })).to.deep.equal({ records: [{ id: '1' }, { id: '2' }], count: 2 });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      await byName('wheniwork').close?.(wiw.connection);
      await byName('goco').close?.(goco.connection);
    }
  });

  it('found every output as declared, and checked every action and trigger of every connector', () => {
    expect(checks.failures).to.deep.equal([]);
    const all = connectors.flatMap((c) => [...Object.keys(c.actions), ...Object.keys(c.triggers ?? {})].map((n) => `${c.name}.${n}`));
    expect(all.filter((n) => !checks.counts.has(n))).to.deep.equal([]);
  });
});
