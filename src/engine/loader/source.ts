/**
 * A YAML file kept with its parse tree so any JSON path in it can be turned back into line:col.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { Problem } from './problem.js';
import { toPointer } from './problem.js';

// The yaml package is loaded at the first parse: a package already checked needs none (see checked-package.ts).
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

export class YamlSource {
  readonly data: unknown;
  readonly problems: Problem[] = [];
  private readonly doc: Document;
  private readonly lines: LineCounter = new (yaml().LineCounter)();

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    this.doc = yaml().parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const error of [...this.doc.errors, ...this.doc.warnings]) {
      const pos = this.lines.linePos(error.pos[0]);
      const message = error.message.split('\n')[0] ?? error.message;
      this.problems.push({ file, line: pos.line, col: pos.col, path: '', message: `YAML: ${message}`, code: 'YAML_SYNTAX' });
    }
    this.data = this.doc.errors.length === 0 ? this.toJS() : undefined;
  }

  /** Reads a file; a file that cannot be read or is not UTF-8 text is a problem of that file, not an exception. */
  static read(file: string, displayName = file): YamlSource {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? 'unknown error'})`;
      return YamlSource.unreadable(displayName, `the file ${why}`);
    }
    let text: string;
    try {
      // fatal: bytes that are not UTF-8 are reported instead of silently becoming U+FFFD. A BOM is dropped.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return YamlSource.unreadable(displayName, 'the file is not UTF-8 text');
    }
    return new YamlSource(displayName, text);
  }

  private static unreadable(file: string, message: string): YamlSource {
    const source = new YamlSource(file, '');
    source.problems.push({ file, line: 1, col: 1, path: '', message, code: 'FILE_UNREADABLE' });
    return source;
  }

  /** The plain value; an alias bomb (more than 100 alias expansions) is a problem at the first alias. */
  private toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      let offset = 0;
      const { visit } = yaml();
      visit(this.doc, { Alias: (_key, node) => { offset = node.range?.[0] ?? 0; return visit.BREAK; } });
      const pos = this.lines.linePos(offset);
      const message = error instanceof ReferenceError ? 'YAML: too many alias expansions (more than 100); write the values out instead'
        : `YAML: ${(error as Error).message}`;
      this.problems.push({ file: this.file, line: pos.line, col: pos.col, path: '', message, code: 'YAML_SYNTAX' });
      return undefined;
    }
  }

  /**
   * Line and column of the node at `path`; `key: true` points at the map key instead of its value.
   * Falls back to the nearest existing ancestor, so a missing key points at the map that lacks it.
   */
  position(path: readonly (string | number)[], key = false): { line: number; col: number } {
    const { isMap, isPair, isScalar, isSeq } = yaml();
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
    const { isMap, isPair, isScalar, isSeq } = yaml();
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
    return { file: this.file, line: pos.line, col: pos.col, path: toPointer(path.map((seg) => (typeof seg === 'string' && seg.length > 100 ? `${seg.slice(0, 80)}...` : seg))), message: shortenQuotes(message), code };
  }
}

/** A word of the user's text quoted in a message is cut to 80 characters: a 1 MB key must not come back in one. */
function shortenQuotes(message: string): string {
  return message.length <= 200 ? message : message.replace(/([^\s',()]{80})[^\s',()]{20,}/g, '$1...');
}
