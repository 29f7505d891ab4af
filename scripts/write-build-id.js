// A new id for every build (dist/build-id): what one build remembers as checked, the next checks again
// (src/engine/loader/checked-package.ts). Old remembered packages go with it.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';

rmSync(new URL('../dist/.package-cache/', import.meta.url), { recursive: true, force: true });
writeFileSync(new URL('../dist/build-id', import.meta.url), `${randomUUID()}\n`);
