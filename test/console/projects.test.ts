/** The console's projects: the one it runs for, and others of the same store only when the store lists them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { ConsoleProjects, storeProjects } from '../../src/console/projects.js';
import { Projects } from '../../src/engine/runtime/projects.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { PACKAGE_DIR } from './helpers.js';

describe('console: projects', () => {
  let dataDir: string;
  let projects: ConsoleProjects | undefined;
  let rt: Runtime | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'recipes-console-projects-'));
    const store = await Projects.open({ dataDir, create: true, connectors });
    await store.add('acme', undefined, PACKAGE_DIR).finally(() => store.close());
    rt = await Runtime.open({ dataDir, project: 'acme', defaultPackageDir: PACKAGE_DIR, connectors });
    projects = new ConsoleProjects(rt, storeProjects({ dataDir, connectors, defaultPackageDir: PACKAGE_DIR }));
  });
  afterEach(async () => {
    await projects?.close();
    await rt?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a project the store does not list, without recording it (not even `default`)', async () => {
    expect(await projects!.names()).to.deep.equal(['acme']);
    const refused = await projects!.get('default').then(() => undefined, (e: { code?: string }) => e.code);
    expect(refused).to.equal('PROJECT_UNKNOWN');
    const store = await Projects.open({ dataDir, connectors });
    expect((await store.list().finally(() => store.close())).map((p) => p.name)).to.deep.equal(['acme']);
  });

  it('opens a listed project once and hands the same context out again', async () => {
    const store = await Projects.open({ dataDir, connectors });
    await store.add('beta', undefined, PACKAGE_DIR).finally(() => store.close());
    const first = await projects!.get('beta');
    expect(first.rt.project).to.equal('beta');
    expect(await projects!.get('beta')).to.equal(first);
    expect(await projects!.get('acme')).to.equal(projects!.home);
  });
});
