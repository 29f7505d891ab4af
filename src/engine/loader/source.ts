/**
 * A YAML file kept with its parse tree so any JSON path in it can be turned back into line:col.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Problem } from './problem.js';
import { toPointer } from './problem.js';

export class YamlSource {
  readonly data: unknown;
  readonly problems: Problem[] = [];
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const error of [...this.doc.errors, ...this.doc.warnings]) {
      const pos = this.lines.linePos(error.pos[0]);
      const message = error.message.split('\n')[0] ?? error.message;
      this.problems.push({ file, line: pos.line, col: pos.col, path: '', message: `YAML: ${message}`, code: 'YAML_SYNTAX' });
    }
    this.data = this.doc.errors.length === 0 ? this.doc.toJS({ maxAliasCount: 100 }) : undefined;
  }

  static read(file: string, displayName = file): YamlSource {
    return new YamlSource(displayName, readFileSync(file, 'utf8'));
  }

  /**
   * Line and column of the node at `path`; `key: true` points at the map key instead of its value.
   * Falls back to the nearest existing ancestor, so a missing key points at the map that lacks it.
   */
  position(path: readonly (string | number)[], key = false): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best: [number, number, number] | undefined = (node as Node | null)?.range ?? undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const last = i === path.length - 1;
        const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
        if (last && key && keyRange) return this.lines.linePos(keyRange[0]);
        node = pair.value;
        best = (node as Node | null)?.range ?? keyRange ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (node === undefined) break;
        best = (node as Node).range ?? best;
      } else break;
    }
    return this.lines.linePos(best ? best[0] : 0);
  }

  problem(path: readonly (string | number)[], message: string, code: string, key = false): Problem {
    const pos = this.position(path, key);
    return { file: this.file, line: pos.line, col: pos.col, path: toPointer(path), message, code };
  }
}
