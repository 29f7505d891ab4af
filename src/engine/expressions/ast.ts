import { ExpressionError } from './errors.js';

/**
 * The parts of JSONata's processed AST (jsonata 2.x `expr.ast()`) this module reads. Positions in the AST
 * are JSONata's: the offset just after the token, so we convert them to 0-based starts before reporting.
 */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: AstNode[];
  predicate?: AstNode[];
  expr?: AstNode;
  group?: { lhs: [AstNode, AstNode][]; position?: number };
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  body?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
  terms?: { expression: AstNode }[];
  focus?: string;
  index?: string;
  keepArray?: boolean;
  tuple?: boolean;
}

/** Names that lead from data to JavaScript's machinery. Rejected wherever a name or a key is written. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);

/** Functions a recipe may not call: `$eval` parses text at run time, outside the compile-time checks. */
export const FORBIDDEN_FUNCTIONS: ReadonlySet<string> = new Set(['eval']);

/** Where a name or string starts in the source, given JSONata's end offset. */
export function startOf(source: string, text: string, end: number | undefined): number {
  if (end === undefined) return 0;
  const guess = Math.max(0, end - text.length);
  const found = source.lastIndexOf(text, guess);
  // Allow for a closing quote or backtick between the text and JSONata's end offset.
  const start = found >= 0 && found >= guess - 2 ? found : guess;
  return source[start - 1] === '$' ? start - 1 : start;
}

function forbidden(source: string, node: AstNode, what: string, name: string): ExpressionError {
  const position = startOf(source, name, node.position);
  return new ExpressionError('EXPRESSION_INVALID', `the ${what} '${name}' cannot be used at ${position}`, {
    position,
    source,
  });
}

/** The sub-expressions of a node (regex literals included: they are leaves). */
export function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const push = (n: unknown): void => {
    if (n && typeof n === 'object' && typeof (n as AstNode).type === 'string') out.push(n as AstNode);
  };
  for (const list of [node.steps, node.stages, node.predicate, node.expressions, node.arguments]) {
    list?.forEach(push);
  }
  for (const one of [node.expr, node.rhs, node.expression, node.procedure, node.body, node.condition, node.then,
    node.else, node.pattern, node.update, node.delete]) push(one);
  if (Array.isArray(node.lhs)) for (const [k, v] of node.lhs) { push(k); push(v); }
  else push(node.lhs);
  node.group?.lhs.forEach(([k, v]) => { push(k); push(v); });
  node.terms?.forEach((t) => push(t.expression));
  return out;
}

/** String literals that JSONata uses as property keys: object-constructor keys, `$lookup`'s key, transform deletes. */
function keyStrings(node: AstNode): AstNode[] {
  const pairs = [...(Array.isArray(node.lhs) ? node.lhs : []), ...(node.group?.lhs ?? [])];
  const keys = pairs.map(([k]) => k);
  if (node.type === 'function' && node.procedure?.type === 'variable' && node.procedure.value === 'lookup') {
    const key = node.arguments?.[1];
    if (key) keys.push(key);
  }
  if (node.type === 'transform' && node.delete) keys.push(node.delete, ...(node.delete.expressions ?? []));
  return keys.filter((k) => k.type === 'string');
}

/**
 * Rejects forbidden names anywhere in the tree: path steps (plain, backtick-quoted or quoted), variables,
 * focus/index bindings, literal keys, and calls to forbidden functions. Throws the first problem found.
 */
export function checkAst(root: AstNode, source: string): void {
  const seen = new Set<AstNode>();
  const visit = (node: AstNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const value = typeof node.value === 'string' ? node.value : undefined;
    if (value !== undefined && (node.type === 'name' || node.type === 'variable') && FORBIDDEN_NAMES.has(value)) {
      throw forbidden(source, node, node.type === 'name' ? 'name' : 'variable', value);
    }
    if (node.type === 'variable' && value !== undefined && FORBIDDEN_FUNCTIONS.has(value)) {
      throw forbidden(source, node, 'function', `$${value}`);
    }
    for (const bound of [node.focus, node.index]) {
      if (bound !== undefined && FORBIDDEN_NAMES.has(bound)) throw forbidden(source, node, 'variable', bound);
    }
    for (const key of keyStrings(node)) {
      if (typeof key.value === 'string' && FORBIDDEN_NAMES.has(key.value)) throw forbidden(source, key, 'key', key.value);
    }
    for (const stage of node.stages ?? []) {
      if (stage.type === 'index' && typeof stage.value === 'string' && FORBIDDEN_NAMES.has(stage.value)) {
        throw forbidden(source, stage, 'variable', stage.value);
      }
    }
    children(node).forEach(visit);
  };
  visit(root);
}

/** The marker put in `refs` when an expression reads the whole scope (`$`, `$$`, `*`, `**`, `$keys($)`...). */
export const WHOLE_SCOPE = '$';

export interface ScopeUse {
  refs: Set<string>;
  properties: Set<string>;
  /** `properties` read other than by literal names: as a whole value, by a computed key, `properties.*`. */
  propertiesWhole: boolean;
}

function isRootVariable(node: AstNode | undefined, atRoot: boolean): boolean {
  if (node?.type !== 'variable') return false;
  return node.value === '$' || (node.value === '' && atRoot);
}

/**
 * Collects the scope names an expression reads. `atRoot` says whether a node is evaluated against the
 * scope itself: true at the top, in blocks, arguments, conditions, lambda bodies (a lambda closes over
 * the context it is defined in) and object constructors; false inside predicates, later path steps,
 * group-by and sort terms, which see the items of a path. `$$` is the scope everywhere.
 */
export function collectScopeUse(root: AstNode): ScopeUse {
  const use: ScopeUse = { refs: new Set(), properties: new Set(), propertiesWhole: false };
  // `properties` as a path's first step: only `properties.NAME` names what it reads.
  const propertiesStep = (step: AstNode, next: AstNode | undefined): void => {
    if (step.value !== 'properties') return;
    if (next?.type === 'name') use.properties.add(String(next.value));
    if (next?.type !== 'name' || step.stages || step.predicate) use.propertiesWhole = true;
  };

  const path = (node: AstNode, atRoot: boolean): void => {
    const steps = node.steps ?? [];
    const [first, second, third] = steps;
    let context = atRoot;
    if (first?.type === 'name' && atRoot) {
      use.refs.add(String(first.value));
      propertiesStep(first, second);
    } else if (isRootVariable(first, atRoot)) {
      if (second?.type === 'name') {
        use.refs.add(String(second.value));
        propertiesStep(second, third);
      } else {
        use.refs.add(WHOLE_SCOPE);
      }
    } else if ((first?.type === 'wildcard' || first?.type === 'descendant') && atRoot) {
      use.refs.add(WHOLE_SCOPE);
    }
    steps.forEach((step, i) => {
      const stepAtRoot = i === 0 ? atRoot : context;
      // A step's own sub-expressions (a block step, function arguments) see the step's input;
      // its stages (predicates) see the step's items.
      if (i > 0 && step.type === 'name' && stepAtRoot) use.refs.add(String(step.value));
      const handled = step.type === 'name' || (i === 0 && isRootVariable(step, atRoot));
      if (!handled) visitOwn(step, stepAtRoot);
      else step.stages?.forEach((s) => visit(s, false));
      // After `@$x` the next step still reads the same input; otherwise it reads this step's output.
      context = step.focus !== undefined ? stepAtRoot : false;
    });
    node.group?.lhs.forEach(([k, v]) => { visit(k, false); visit(v, false); });
  };

  const lookupCall = (node: AstNode, atRoot: boolean): boolean => {
    if (node.procedure?.type !== 'variable' || node.procedure.value !== 'lookup') return false;
    const [target, key] = node.arguments ?? [];
    if (!target || key?.type !== 'string' || typeof key.value !== 'string') return false;
    if (target.type === 'variable' && isRootVariable(target, atRoot)) {
      use.refs.add(key.value);
      if (key.value === 'properties') use.propertiesWhole = true;
      return true;
    }
    const steps = target.type === 'path' ? target.steps ?? [] : [];
    if (atRoot && steps.length === 1 && steps[0]?.type === 'name' && steps[0].value === 'properties' && !steps[0].stages) {
      use.refs.add('properties');
      use.properties.add(key.value);
      return true;
    }
    return false;
  };

  // Visits a node's children. Group-by, sort terms and transforms see a path's items (or a copy), not the scope;
  // filters (predicates, stages) handle themselves in visit().
  const visitOwn = (node: AstNode, atRoot: boolean): void => {
    if (node.type === 'function' && lookupCall(node, atRoot)) return;
    if (node.type === 'variable' && isRootVariable(node, atRoot)) use.refs.add(WHOLE_SCOPE);
    if ((node.type === 'wildcard' || node.type === 'descendant') && atRoot) use.refs.add(WHOLE_SCOPE);
    const itemContext = new Set<AstNode>([
      ...(node.group?.lhs.flat() ?? []),
      ...(node.terms?.map((t) => t.expression) ?? []),
    ]);
    for (const child of children(node)) {
      visit(child, atRoot && node.type !== 'transform' && !itemContext.has(child));
    }
  };

  const seen = [new Set<AstNode>(), new Set<AstNode>()];
  const visit = (node: AstNode, atRoot: boolean): void => {
    const done = seen[atRoot ? 1 : 0]!;
    if (done.has(node)) return;
    done.add(node);
    if (node.type === 'filter') {
      if (node.expr) visit(node.expr, false);
    } else if (node.type === 'path') {
      path(node, atRoot);
    } else {
      visitOwn(node, atRoot);
    }
  };

  visit(root, true);
  return use;
}

/** Names an expression binds itself: `$x := ...`, lambda parameters, `@$x` and `#$i`. */
function boundNames(root: AstNode): Set<string> {
  const names = new Set<string>();
  const seen = new Set<AstNode>();
  const visit = (node: AstNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.type === 'bind' && !Array.isArray(node.lhs) && typeof node.lhs?.value === 'string') names.add(node.lhs.value);
    if (node.type === 'lambda') node.arguments?.forEach((a) => typeof a.value === 'string' && names.add(a.value));
    if (node.focus !== undefined) names.add(node.focus);
    if (node.index !== undefined) names.add(node.index);
    node.stages?.forEach((s) => s.type === 'index' && typeof s.value === 'string' && names.add(s.value));
    children(node).forEach(visit);
  };
  visit(root);
  return names;
}

/**
 * Rejects calls to functions that exist nowhere (`$lowercse(x)`), so a typo fails when the recipe is
 * loaded rather than halfway through a run. Names the expression binds itself are allowed.
 */
export function checkFunctionNames(root: AstNode, source: string, isKnown: (name: string) => boolean): void {
  const bound = boundNames(root);
  const seen = new Set<AstNode>();
  const visit = (node: AstNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const proc = node.procedure;
    if ((node.type === 'function' || node.type === 'partial') && proc?.type === 'variable' && typeof proc.value === 'string') {
      const name = proc.value;
      if (name !== '' && name !== '$' && !bound.has(name) && !isKnown(name)) {
        const position = startOf(source, `$${name}`, proc.position);
        throw new ExpressionError('EXPRESSION_INVALID', `unknown function '$${name}' at ${position}`, { position, source });
      }
    }
    children(node).forEach(visit);
  };
  visit(root);
}

/**
 * JSONata marks a path written with `[]` by setting a `keepSingleton` property on the path's result, and when
 * that result is an array straight from the input it writes the flag onto the caller's array. Moving the
 * request to the path node's own `keepArray` keeps the behaviour (JSONata applies it to the sequences it
 * builds) without touching input arrays.
 */
export function moveKeepArrayToPathNodes(root: AstNode): void {
  const seen = new Set<AstNode>();
  const visit = (node: AstNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const marked = node as AstNode & { keepSingletonArray?: boolean };
    if (node.type === 'path' && marked.keepSingletonArray) {
      delete marked.keepSingletonArray;
      node.keepArray = true;
    }
    children(node).forEach(visit);
  };
  visit(root);
}
