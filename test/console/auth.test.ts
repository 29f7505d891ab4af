import { expect } from 'chai';
import { call, openRig, type Rig } from './helpers.js';

describe('console: sign-in and same-origin checks', () => {
  let rig: Rig;
  before(async () => {
    rig = await openRig({ setProperties: false });
  });
  after(async () => {
    await rig.close();
  });

  it('refuses the API without the token', async () => {
    const res = await call(rig.web.url, 'GET', '/api/package');
    expect(res.status).to.equal(401);
    expect(res.json.error.code).to.equal('UNAUTHORIZED');
  });

  it('serves a sign-in page, not the console, to a browser without the token', async () => {
    const res = await call(rig.web.url, 'GET', '/');
    expect(res.status).to.equal(401);
    expect(res.text).to.contain('?token=');
    expect(res.text).not.to.contain('app.js');
  });

  it('refuses the static files without the token', async () => {
    expect((await call(rig.web.url, 'GET', '/app.js')).status).to.equal(401);
  });

  it('refuses a wrong token', async () => {
    const res = await call(rig.web.url, 'GET', '/api/package', { headers: { authorization: 'Bearer nope' } });
    expect(res.status).to.equal(401);
  });

  it('prints a 32-byte random token', async () => {
    expect(Buffer.from(rig.web.token, 'base64url')).to.have.length(32);
  });

  it('turns /?token= into an HttpOnly SameSite=Strict cookie and a redirect that drops the token from the address', async () => {
    const res = await call(rig.web.url, 'GET', `/?token=${rig.web.token}`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.contain('HttpOnly').and.to.contain('SameSite=Strict').and.to.contain(`recipes_console=${rig.web.token}`);
  });

  it('sets no cookie for a wrong /?token=', async () => {
    const res = await call(rig.web.url, 'GET', '/?token=wrong');
    expect(res.status).to.equal(401);
    expect(res.headers['set-cookie']).to.equal(undefined);
  });

  it('accepts the session cookie for pages', async () => {
    const res = await call(rig.web.url, 'GET', '/', { headers: { cookie: `recipes_console=${rig.web.token}` } });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<script type="module" src="/app.js">');
  });

  it('accepts Authorization: Bearer for the API', async () => {
    const res = await call(rig.web.url, 'GET', '/api/package', { headers: { authorization: `Bearer ${rig.web.token}` } });
    expect(res.status).to.equal(200);
    expect(res.json.name).to.equal('wiw-provisioning');
  });

  it('rejects an API call from another Origin even with the token', async () => {
    const res = await call(rig.web.url, 'GET', '/api/package', { headers: { authorization: `Bearer ${rig.web.token}`, origin: 'http://evil.example' } });
    expect(res.status).to.equal(403);
    expect(res.json.error.code).to.equal('FORBIDDEN_ORIGIN');
  });

  it('rejects a cross-site write carrying the cookie', async () => {
    const res = await call(rig.web.url, 'POST', '/api/recipes/location-sync/start', { headers: { cookie: `recipes_console=${rig.web.token}`, 'sec-fetch-site': 'cross-site' } });
    expect(res.status).to.equal(403);
    expect((await rig.rt.recipes()).find((r) => r.name === 'location-sync')?.running).to.equal(false);
  });

  it('rejects a cookie write that says nothing of where it comes from', async () => {
    const res = await call(rig.web.url, 'PUT', '/api/properties/wiw_email', { body: { value: 'x@example.com' }, headers: { cookie: `recipes_console=${rig.web.token}` } });
    expect(res.status).to.equal(403);
  });

  it('rejects a request addressed to another host name (DNS rebinding)', async () => {
    const port = new URL(rig.web.url).port;
    const res = await call(rig.web.url, 'GET', '/api/package', { headers: { authorization: `Bearer ${rig.web.token}`, host: `evil.example:${port}` } });
    expect(res.status).to.equal(403);
  });

  it('accepts the console\'s own Origin', async () => {
    const res = await call(rig.web.url, 'GET', '/api/package', { headers: { authorization: `Bearer ${rig.web.token}`, origin: rig.web.url, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).to.equal(200);
  });

  it('sets a strict Content-Security-Policy on every response', async () => {
    for (const path of ['/', '/api/package', '/app.js', '/style.css']) {
      const res = await call(rig.web.url, 'GET', path, { headers: { cookie: `recipes_console=${rig.web.token}` } });
      expect(String(res.headers['content-security-policy']), path).to.contain("script-src 'self'").and.to.contain("default-src 'none'").and.not.to.contain('unsafe-inline');
    }
  });

  it('listens on 127.0.0.1 only by default', async () => {
    expect(new URL(rig.web.url).hostname).to.equal('127.0.0.1');
  });

  it('serves no file outside its static folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/server.ts']) {
      const res = await call(rig.web.url, 'GET', path, { headers: { cookie: `recipes_console=${rig.web.token}` } });
      expect(res.status, path).to.equal(404);
    }
  });
});
