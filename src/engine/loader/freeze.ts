/**
 * The loader freezes each model object as it builds it, so the model cannot change under a running job.
 * Only what the loader builds is frozen: connector definitions (and their schemas) and compiled
 * expressions are referenced as they are, never frozen (they belong to the connector and the expression
 * compiler). A Set would stay mutable under Object.freeze, so sets are ReadonlySets with no way to add.
 */

/** Freezes an object the loader built; its fields must already be frozen or owned elsewhere. */
export function frozen<T extends object>(value: T): Readonly<T> {
  return Object.freeze(value);
}

/** A frozen copy of a list (YAML data included: the parsed document stays the loader's scratch). */
export function frozenList<T>(items: Iterable<T>): readonly T[] {
  return Object.freeze([...items]);
}

/** A set that cannot be changed: reads only, no add/delete/clear, and the instance itself is frozen. */
export class FrozenSet<T> implements ReadonlySet<T> {
  readonly #items: Set<T>;

  constructor(items: Iterable<T> = []) {
    this.#items = new Set(items);
    Object.freeze(this);
  }

  get size(): number {
    return this.#items.size;
  }

  has(value: T): boolean {
    return this.#items.has(value);
  }

  forEach(callback: (value: T, again: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const v of this.#items) callback.call(thisArg, v, v, this);
  }

  keys(): SetIterator<T> {
    return this.#items.keys();
  }

  values(): SetIterator<T> {
    return this.#items.values();
  }

  entries(): SetIterator<[T, T]> {
    return this.#items.entries();
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.#items.values();
  }
}

Object.freeze(FrozenSet.prototype);

export function frozenSet<T>(items: Iterable<T> = []): ReadonlySet<T> {
  return new FrozenSet(items);
}
