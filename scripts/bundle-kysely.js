// Bundles Kysely's CommonJS build into one file, dist/vendor/kysely.cjs, which src/engine/store/kysely.ts
// loads when present: resolving and reading its ~280 modules was most of what loading it cost at every
// start of the CLI. Same code, same version (the one in node_modules); without esbuild the store loads
// Kysely from node_modules as before.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('note: esbuild is not installed; the store loads Kysely from node_modules (a slower start).\n');
  process.exit(0);
}
await esbuild.build({
  entryPoints: [require.resolve('kysely')],
  outfile: new URL('../dist/vendor/kysely.cjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'eof',
});
