/**
 * A content hash of a package folder, so a job can be traced to the exact recipes it ran: sha256 over the
 * sorted relative file names (with `/`) and the contents of every file under the folder. Names starting
 * with `.` (editor and OS leftovers such as `.DS_Store`) are left out, as they never change what runs.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir, '').sort()) {
    const content = readFileSync(join(dir, file));
    // Name and length first: no two different folders hash the same stream.
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

function listFiles(root: string, rel: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(root, path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
