import { expect } from 'chai';
import { compileExpression } from '../../../src/engine/expressions/index.js';

const refsOf = (source: string): string[] => [...compileExpression(source).refs].sort();
const propertiesOf = (source: string): string[] => [...compileExpression(source).properties].sort();

describe('expressions: refs and properties', () => {
  describe('refs', () => {
    const cases: Array<[string, string[]]> = [
      ['employees.items', ['employees']],
      ["employees.items[status='active']", ['employees']],
      ['employees.items[status = $$.filter.status]', ['employees', 'filter']],
      ['$lookup(mappings.location, person.workLocationId)', ['mappings', 'person']],
      ['($x := person.firstName; $x & other)', ['other', 'person']],
      ['($f := function($v){ $lowercase($v) }; $f(person.email))', ['person']],
      ['function($v){ $v & suffix }(person.email)', ['person', 'suffix']],
      ['$.person.firstName', ['person']],
      ['$$.person.firstName', ['person']],
      ['$', ['$']],
      ['$keys($$)', ['$']],
      ['*', ['$']],
      ['**.id', ['$']],
      ["$lookup($, 'person')", ['person']],
      ['plan.counts.to_create > 0', ['plan']],
      ["person.active ? person.email : 'none'", ['person']],
      ["person.firstName & ' ' & person.lastName", ['person']],
      ['[person.a, other.b]', ['other', 'person']],
      ["{'name': person.firstName}", ['person']],
      ['users.items{email: id}', ['users']],
      ['users.items^(name)', ['users']],
      ['users.items.(name & $$.suffix)', ['suffix', 'users']],
      ['people ~> $map(function($p){ $p.name })', ['people']],
      ['people@$p.other', ['other', 'people']],
      ["person ~> | $ | {'x': y} |", ['person']],
      ['42', []],
      ["'text'", []],
    ];
    for (const [source, refs] of cases) {
      it(`${source} -> {${refs.join(', ')}}`, () => {
        expect(refsOf(source)).to.deep.equal(refs);
      });
    }
  });

  describe('properties', () => {
    const cases: Array<[string, string[]]> = [
      ['properties.default_phone_region', ['default_phone_region']],
      ["$lookup(properties, 'api_url')", ['api_url']],
      ['$$.properties.region', ['region']],
      ['properties.a & properties.b', ['a', 'b']],
      ['person.properties.x', []],
      ['items[properties.x = 1]', []],
      ['properties', []],
    ];
    for (const [source, properties] of cases) {
      it(`${source} -> {${properties.join(', ')}}`, () => {
        expect(propertiesOf(source)).to.deep.equal(properties);
      });
    }

    const whole: Array<[string, boolean]> = [
      ['properties.a & $lookup(properties, "b") & $$.properties.c', false],
      ['person.properties', false],
      ['items[properties.x = 1]', false],
      ['properties', true],
      ['$lookup(properties, $k)', true],
      ["$lookup(properties, 'a' & 'b')", true],
      ['properties.*', true],
      ['properties[0].token', true],
      ['$$.properties', true],
      ["$lookup($, 'properties')", true],
      ['$keys(properties)', true],
      ['{ "p": properties }', true],
    ];
    for (const [source, expected] of whole) {
      it(`${source} ${expected ? 'reads' : 'does not read'} properties as a whole`, () => {
        expect(compileExpression(source).readsPropertiesWhole).to.equal(expected);
      });
    }

    it('a property read also makes properties a ref', () => {
      expect(refsOf("$lookup(properties, 'api_url')")).to.deep.equal(['properties']);
    });
  });
});
