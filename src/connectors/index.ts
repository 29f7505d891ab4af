/**
 * Every connector the program ships, in a plain list: no registration by side effect or folder scan.
 * The CLI hands this list to the engine; an embedding service may pass its own.
 */
import type { ConnectorRegistry } from '../engine/types.js';
import { file } from './file/index.js';
import { goco } from './goco/index.js';
import { wheniwork } from './wheniwork/index.js';

export const connectors: ConnectorRegistry = [wheniwork, goco, file];
