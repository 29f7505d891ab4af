import { expect } from 'chai';
import { compileExpression, ExpressionError } from '../../../src/engine/expressions/index.js';

// Data that owns the forbidden keys (as parsed JSON from an API can): an own-property check alone lets them through.
const scope = () => ({ owns: JSON.parse('{"constructor": {"hit": 1}, "__proto__": {"hit": 2}, "prototype": {"hit": 3}, "name": "ok"}') as unknown });

async function outcome(source: string): Promise<{ code?: string; value?: unknown }> {
  try {
    return { value: await compileExpression(source).evaluate(scope()) };
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    return { code: (error as ExpressionError).code };
  }
}

describe('expressions: $lookup of a forbidden key the data owns stays blocked', () => {
  it('a built key reads an ordinary own key (the cases below are blocked for the key, not the route)', async () => {
    expect(await outcome("(function($o){ $lookup($o, 'na' & 'me') })(owns)")).to.deep.equal({ value: 'ok' });
    expect(await outcome("$lookup(owns, 'na' & 'me')")).to.deep.equal({ value: 'ok' });
  });

  for (const key of ["'con' & 'structor'", "'__pro' & 'to__'", "'proto' & 'type'"]) {
    for (const source of [
      `(function($o){ $lookup($o, ${key}) })(owns)`, // a lambda: JSONata's own evaluation, with the sandbox's $lookup
      `$map([owns], function($v){ $lookup($v, ${key}) })`,
      `$lookup(owns, ${key})`, // the fast evaluator's $lookup
      `$lookup([owns], ${key})`, // an array: mapped like a path step
    ]) {
      it(`${source} gives nothing`, async () => {
        const result = await outcome(source);
        if (result.code !== undefined) expect(result.code).to.equal('EXPRESSION_FAILED');
        else expect(result.value).to.equal(undefined);
      });
    }
  }
});
