#!/usr/bin/env node
// The compiled CLI; `npm install` builds it (the `prepare` script).
import { tuneHeap } from '../dist/src/cli/heap.js';
import { exitQuietlyOnClosedPipe, main } from '../dist/src/cli/main.js';

tuneHeap();
exitQuietlyOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
