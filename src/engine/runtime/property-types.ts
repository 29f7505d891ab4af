/**
 * A property value checked against its declared type when it is set, and again when it is used (a value
 * stored before the types existed may no longer fit). Every refusal names the property and gives an
 * example of a good value, since the admin reads it at `recipes properties set`.
 */
import { UserError } from '../errors.js';
import type { PropertyDecl } from '../model.js';
import { phoneLib } from '../phone-lib.js';

export type PropertyValue = string | number | boolean;

const TRUE = ['true', 'yes', '1'];
const FALSE = ['false', 'no', '0'];

/** A good value to show in an error: the declared example, else the default, else one for the type. */
export function exampleOf(decl: PropertyDecl): string {
  if (decl.example !== undefined) return String(decl.example);
  if (decl.default !== undefined && !decl.secret) return String(decl.default);
  switch (decl.type) {
    case 'url':
      return 'https://api.example.com';
    case 'integer':
    case 'number':
      return String(decl.min ?? 1);
    case 'boolean':
      return 'true';
    case 'phone_region':
      return 'US';
    case 'enum':
      return String(decl.values?.[0] ?? '');
    default:
      return 'VALUE';
  }
}

function invalid(decl: PropertyDecl, problem: string): UserError {
  const example = decl.secret ? `recipes properties set ${decl.name} (asked for with hidden input)` : `recipes properties set ${decl.name} ${exampleOf(decl)}`;
  return new UserError('PROPERTY_INVALID', `Property '${decl.name}' (${decl.title}) ${problem}; for example: ${example}.`, {
    details: { property: decl.name, type: decl.type },
  });
}

function bounded(decl: PropertyDecl, n: number): number {
  if (decl.min !== undefined && n < decl.min) throw invalid(decl, `must be at least ${decl.min}, not ${n}`);
  if (decl.max !== undefined && n > decl.max) throw invalid(decl, `must be at most ${decl.max}, not ${n}`);
  return n;
}

/** The typed value of `raw`, or PROPERTY_INVALID. The text of a secret never appears in the error. */
export function parseValue(decl: PropertyDecl, raw: string): PropertyValue {
  const text = raw.trim();
  const shown = decl.secret ? 'the value given' : `'${raw}'`;
  if (text === '') {
    if (decl.required) throw invalid(decl, 'cannot be empty');
    return raw; // an optional property set to nothing: connections drop empty settings
  }
  switch (decl.type) {
    case 'integer': {
      if (!/^[-+]?\d+$/.test(text)) throw invalid(decl, `must be a whole number, not ${shown}`);
      return bounded(decl, Number(text));
    }
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw invalid(decl, `must be a number, not ${shown}`);
      return bounded(decl, n);
    }
    case 'boolean': {
      const v = text.toLowerCase();
      if (TRUE.includes(v)) return true;
      if (FALSE.includes(v)) return false;
      throw invalid(decl, `must be true or false, not ${shown}`);
    }
    case 'url': {
      let url: URL | undefined;
      try {
        url = new URL(text);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
        throw invalid(decl, `must be an http:// or https:// address, not ${shown}`);
      }
      return text;
    }
    case 'phone_region': {
      const code = text.toUpperCase();
      if (!/^[A-Z]{2}$/.test(code) || !phoneLib().isSupportedCountry(code)) {
        throw invalid(decl, `must be a two-letter country code (ISO 3166) with known phone numbering, not ${shown}`);
      }
      return code;
    }
    case 'enum': {
      const values = decl.values ?? [];
      const match = values.find((v) => String(v) === text);
      if (match === undefined) throw invalid(decl, `must be one of ${values.join(', ')}, not ${shown}`);
      return match;
    }
    default:
      return raw;
  }
}
