/**
 * libphonenumber-js with its `min` metadata, loaded at first use (its CommonJS build, the same code): loading
 * it costs about 50 ms, and most commands (`list`, `properties get`, `jobs`) never read a phone number.
 */
import { createRequire } from 'node:module';
import type * as PhoneLib from 'libphonenumber-js/min';

let lib: typeof PhoneLib | undefined;

export function phoneLib(): typeof PhoneLib {
  return (lib ??= createRequire(import.meta.url)('libphonenumber-js/min') as typeof PhoneLib);
}
