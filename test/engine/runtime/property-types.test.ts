/** Property values are checked against the type package.yaml declares: at `set`, and again at use. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { connectors } from '../../../src/connectors/index.js';
import { Runtime } from '../../../src/index.js';
import type { PropertyDecl } from '../../../src/engine/model.js';
import { parseValue } from '../../../src/engine/runtime/property-types.js';
import { rejection } from './helpers.js';

const WIW_PACKAGE = fileURLToPath(new URL('../../../recipes/wiw-provisioning', import.meta.url));

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('runtime: property types', () => {
  const decl = (d: Partial<PropertyDecl>): PropertyDecl => ({ name: 'p', title: 'P', type: 'string', secret: false, required: false, ...d });

  it('parses each type to its value', () => {
    expect(parseValue(decl({ type: 'integer', min: 1 }), ' 5 ')).to.equal(5);
    expect(parseValue(decl({ type: 'number', max: 2 }), '1.5')).to.equal(1.5);
    expect(parseValue(decl({ type: 'boolean' }), 'No')).to.equal(false);
    expect(parseValue(decl({ type: 'url' }), 'http://127.0.0.1:8080/2')).to.equal('http://127.0.0.1:8080/2');
    expect(parseValue(decl({ type: 'phone_region' }), 'gb')).to.equal('GB');
    expect(parseValue(decl({ type: 'enum', values: ['remove', 'keep'] }), 'keep')).to.equal('keep');
  });

  it('refuses bad values naming the property and an example', () => {
    const cases: [Partial<PropertyDecl>, string, RegExp][] = [
      [{ type: 'phone_region', default: 'US' }, 'XX', /'p' \(P\) must be a two-letter country code .*not 'XX'; for example: recipes properties set p US\./],
      [{ type: 'integer', min: 1, example: 300 }, '-5', /must be at least 1, not -5; for example: recipes properties set p 300\./],
      [{ type: 'integer', max: 10 }, '11', /must be at most 10/],
      [{ type: 'integer' }, '2.5', /must be a whole number, not '2.5'/],
      [{ type: 'number' }, 'many', /must be a number/],
      [{ type: 'url' }, 'notaurl', /must be an http:\/\/ or https:\/\/ address, not 'notaurl'; for example: recipes properties set p https:\/\/api\.example\.com\./],
      [{ type: 'url' }, 'file:///etc/passwd', /must be an http:\/\/ or https:\/\/ address/],
      [{ type: 'boolean' }, 'maybe', /must be true or false/],
      [{ type: 'enum', values: ['remove', 'keep'] }, 'delete', /must be one of remove, keep, not 'delete'; for example: recipes properties set p remove\./],
      [{ type: 'string', required: true }, '  ', /cannot be empty/],
    ];
    for (const [d, raw, message] of cases) {
      const error = thrown(() => parseValue(decl(d), raw));
      expect(error.code, raw).to.equal('PROPERTY_INVALID');
      expect(error.message, raw).to.match(message);
    }
  });

  it('never repeats a secret in its error', () => {
    const error = thrown(() => parseValue(decl({ type: 'integer', secret: true }), 'hunter2'));
    expect(error.message).not.to.contain('hunter2');
    expect(error.message).to.contain('hidden input');
  });

  describe('the WIW Provisioning package', () => {
    let dataDir: string;
    let rt: Runtime;
    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'recipes-prop-types-'));
      rt = await Runtime.open({ secretKey: 'engine-test-key', packageDir: WIW_PACKAGE, dataDir, connectors });
    });
    afterEach(async () => {
      await rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('declares a type for every property', () => {
      const doc = parse(readFileSync(join(WIW_PACKAGE, 'package.yaml'), 'utf8')) as { properties: Record<string, { type?: string }> };
      for (const [name, p] of Object.entries(doc.properties)) expect(p.type, name).to.be.a('string');
    });

    it('refuses a bad value at set and stores nothing', async () => {
      const error = await rejection(rt.properties.set('default_phone_region', 'XX'));
      expect(error.message).to.match(/Property 'default_phone_region' \(Default phone region\) must be a two-letter country code/);
      expect((await rt.properties.get('default_phone_region')).display).to.equal('US');
    });

    it('a bad value stored before the types existed gives the same sentence at use', async () => {
      await rt['store'].setProperty(rt.project, 'wiw_requests_per_minute', '-5', false);
      const atSet = await rejection(rt.properties.set('wiw_requests_per_minute', '-5'));
      const atUse = await rejection(rt.test('location-sync'));
      expect(atUse.code).to.equal('PROPERTY_INVALID');
      expect(atUse.message).to.equal(atSet.message);
    });
  });
});
