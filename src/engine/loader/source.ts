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
    private readonly text: string,
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

  /**
   * Line and column of character `offset` of the string at `path`, when the YAML text of that scalar is
   * its value verbatim on one line (plain or quoted without escapes); otherwise undefined.
   */
  positionInString(path: readonly (string | number)[], offset: number): { line: number; col: number } | undefined {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) node = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))?.value;
      else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
      else return undefined;
    }
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
    const lead = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : node.type === 'PLAIN' ? 0 : undefined;
    if (lead === undefined) return undefined;
    const raw = this.text.slice(node.range[0] + lead, node.range[1] - lead);
    if (raw !== node.value || raw.includes('\n') || offset > raw.length) return undefined;
    return this.lines.linePos(node.range[0] + lead + offset);
  }

  problem(path: readonly (string | number)[], message: string, code: string, key = false): Problem {
    const pos = this.position(path, key);
    return { file: this.file, line: pos.line, col: pos.col, path: toPointer(path), message, code };
  }
}
