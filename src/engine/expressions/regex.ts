/**
 * Regular expressions run on RE2 (re2js, pure JavaScript), whose matching time is linear in the input:
 * JavaScript's backtracking engine took minutes on `$match(x, /(a+)+$/)` and could not be interrupted.
 * Every regex literal in an expression is compiled with RE2 when the expression is compiled, so a pattern
 * RE2 does not support (backreferences, lookahead, lookbehind) is refused at load, not at run time.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { type AstNode, children, startOf } from './ast.js';
import { ExpressionError } from './errors.js';

/** re2js, loaded at the first regex literal (its CommonJS build: this module is its only user). */
let re2: typeof RE2JS | undefined;

/** RE2 programs by the RegExp object JSONata's parser put in the AST (one per literal, reused by every evaluation). */
const compiled = new WeakMap<RegExp, RE2JS>();

/** Compiles a JavaScript regex literal's syntax and flags (`i`, `m`; JSONata adds `g`) for RE2. */
function toRe2(literal: RegExp): RE2JS {
  let re = compiled.get(literal);
  if (re === undefined) {
    // translateRegExp rewrites JavaScript syntax (`\u00e9`, `(?<name>`) and turns the flags into `(?im)`.
    re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
    re = re2.compile(re2.translateRegExp(literal));
    compiled.set(literal, re);
  }
  return re;
}

/**
 * What JSONata's evaluator needs of a RegExp (its `RegexEngine` option): `new RegexEngine(literal)`, then
 * `lastIndex` and `exec(str)` with JavaScript's global-flag semantics (search from `lastIndex`, which moves
 * to the end of the match). Indices are UTF-16 offsets, as in JavaScript.
 */
export class Re2RegExp {
  lastIndex = 0;
  private readonly re: RE2JS;

  constructor(literal: RegExp) {
    this.re = toRe2(literal);
  }

  exec(str: string): RegExpExecArray | null {
    if (this.lastIndex > str.length) {
      this.lastIndex = 0;
      return null;
    }
    const m = this.re.matcher(str);
    if (!m.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    this.lastIndex = m.end();
    return Object.assign(groups, { index: m.start(), input: str }) as unknown as RegExpExecArray;
  }
}

/** Throws EXPRESSION_INVALID, with the literal's position, for the first regex RE2 cannot run. */
export function checkRegexes(root: AstNode, source: string): void {
  const seen = new Set<AstNode>();
  const visit = (node: AstNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.type === 'regex' && node.value instanceof RegExp) {
      try {
        toRe2(node.value);
      } catch (error) {
        const flags = node.value.flags.replace('g', '');
        const position = startOf(source, `/${node.value.source}/${flags}`, node.position);
        const why = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
        throw new ExpressionError(
          'EXPRESSION_INVALID',
          `the regular expression /${node.value.source}/${flags} is not supported (${why}; recipes run regular expressions on a linear-time engine, without backreferences or lookaround) at ${position}`,
          { position, source },
        );
      }
    }
    children(node).forEach(visit);
  };
  visit(root);
}
