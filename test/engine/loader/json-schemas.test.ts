/**
 * The JSON Schemas `npm run build` writes for editors must exist and accept the valid fixture's files.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';

const fixture = 'test/fixtures/packages/valid';

const ajv = new Ajv({ allErrors: true, strict: false });

/** Each schema file compiled once (ajv refuses a second schema with the same $id). */
function validator(name: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(`schemas/${name}.schema.json`, 'utf8')) as { $id: string };
  return ajv.getSchema(schema.$id) ?? ajv.compile(schema);
}

function yaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}

describe('editor JSON Schemas (schemas/*.schema.json)', () => {
  it('accepts the valid package.yaml', () => {
    const validate = validator('package');
    expect(validate(yaml(`${fixture}/package.yaml`)), ajv.errorsText(validate.errors)).to.equal(true);
  });

  it('accepts the valid connection', () => {
    const validate = validator('connection');
    expect(validate(yaml(`${fixture}/main-connection.yaml`)), ajv.errorsText(validate.errors)).to.equal(true);
  });

  for (const recipe of ['manual', 'poll', 'after']) {
    it(`accepts the valid recipe ${recipe}.yaml, nested steps included`, () => {
      const validate = validator('recipe');
      expect(validate(yaml(`${fixture}/${recipe}.yaml`)), ajv.errorsText(validate.errors)).to.equal(true);
    });
  }

  it('rejects a step whose kind key is misspelt', () => {
    const validate = validator('recipe');
    expect(validate(yaml('test/fixtures/packages/invalid/unknown-key/recipe.yaml'))).to.equal(false);
  });
});
