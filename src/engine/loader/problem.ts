/** One thing wrong with a package, pointing at the user's text. */
export interface Problem {
  /** Path of the file as the user gave it (relative to the working directory when possible). */
  file: string;
  line: number;
  col: number;
  /** JSON pointer inside the file's document, e.g. `/steps/2/input/email`. */
  path: string;
  /** A plain sentence. */
  message: string;
  code: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '/'}: ${p.message}`;
}

export function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function fromPointer(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
