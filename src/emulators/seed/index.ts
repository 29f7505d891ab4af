/** Seed data for the emulators: the deterministic generator and the hand-written demo company. */
export { generateSeed, DEFAULT_NOW, type GenerateOptions } from './generate.js';
export { demoSeed, faqSeatsSeed } from './demo.js';
export { toWiwUser, type WiwDraft } from './wiw-shape.js';
export type * from './types.js';
