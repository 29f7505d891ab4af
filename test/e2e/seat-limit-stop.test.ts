/**
 * A loop that breaks on the seat limit sends nobody else: creates queued behind the first 500 (here by the
 * connection's request budget) are cancelled, not sent. Measured at the wire, through a recording proxy.
 */
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { faqSeatsSeed } from '../../src/emulators/seed/index.js';
import { PACKAGE, Project } from './helpers.js';
import { RecordingProxy } from './proxy.js';

describe('e2e: creates stop at the first seat-limit answer', function () {
  this.timeout(60_000);
  let p: Project;
  let proxy: RecordingProxy;
  let rt: Runtime;

  before(async () => {
    p = await Project.start(faqSeatsSeed());
    proxy = await RecordingProxy.start(p.pair.wiw.url);
    // 600 a minute: the transport sends about one request per 100 ms, so the loop's 8 creates wait in its queue.
    await p.prepareInProcess({
      properties: { wiw_login_url: proxy.url, wiw_api_url: `${proxy.url}/2`, wiw_requests_per_minute: '600' },
    });
    rt = await Runtime.open({ packageDir: PACKAGE, dataDir: p.dataDir, connectors });
  });
  after(async () => {
    await rt?.close();
    await proxy?.close();
    await p?.close();
  });

  it('sends no create after the first 500 has been answered, and names the rest as not created', async () => {
    const job = await rt.test('all-employees-sync');
    expect(job?.status).to.equal('failed');
    const posts = proxy.log.filter((x) => x.method === 'POST' && x.path === '/2/users');
    const first500 = posts.findIndex((x) => x.kind === 'response' && x.status === 500);
    expect(first500, 'a seat-limit answer').to.be.above(-1);
    const sentAfter = posts.slice(first500 + 1).filter((x) => x.kind === 'request');
    expect(sentAfter).to.have.length(0);
    const created = posts.filter((x) => x.kind === 'response' && x.status === 200).length;
    const answered = posts.filter((x) => x.kind === 'response').length;
    const summary = job!.summary as { not_created: unknown[]; to_create: number };
    expect(summary.not_created).to.have.length(summary.to_create - created);
    expect(answered).to.be.below(summary.to_create);
  });
});
