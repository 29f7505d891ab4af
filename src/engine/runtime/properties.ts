/** Project properties: declared in package.yaml, values in the store, secrets masked on the way out. */
import { UserError } from '../errors.js';
import type { PackageModel, PropertyDecl } from '../model.js';
import type { Store } from '../store/index.js';
import { parseValue, type PropertyValue } from './property-types.js';

export const MASK = '********';

export interface PropertyView {
  name: string;
  title: string;
  description?: string;
  secret: boolean;
  required: boolean;
  /** 'set' when the store has a value, 'default' when package.yaml supplies one, else 'unset'. */
  source: 'set' | 'default' | 'unset';
  /** The value to show: secrets masked, never the real value. */
  display?: string;
  updatedAt?: string;
}

/** The typed value of a stored or given string (PROPERTY_INVALID, naming the property, when it does not fit). */
export function coerce(decl: PropertyDecl, raw: string): PropertyValue {
  return parseValue(decl, raw);
}

export class Properties {
  constructor(
    private readonly pkg: PackageModel,
    private readonly store: Store,
    private readonly project: string,
  ) {}

  decl(name: string): PropertyDecl {
    const decl = this.pkg.properties[name];
    if (!decl) {
      const known = Object.keys(this.pkg.properties).join(', ');
      throw new UserError('PROPERTY_UNKNOWN', `The package has no property '${name}'. Known properties: ${known}.`);
    }
    return decl;
  }

  async list(): Promise<PropertyView[]> {
    const views: PropertyView[] = [];
    for (const d of Object.values(this.pkg.properties)) views.push(await this.view(d));
    return views;
  }

  async get(name: string): Promise<PropertyView> {
    return this.view(this.decl(name));
  }

  private async view(d: PropertyDecl): Promise<PropertyView> {
    const stored = await this.store.getProperty(this.project, d.name);
    const base = { name: d.name, title: d.title, description: d.description, secret: d.secret, required: d.required };
    if (stored) return { ...base, source: 'set', display: d.secret ? MASK : stored.value, updatedAt: stored.updatedAt };
    if (d.default !== undefined) return { ...base, source: 'default', display: d.secret ? MASK : String(d.default) };
    return { ...base, source: 'unset' };
  }

  async set(name: string, value: string): Promise<PropertyView> {
    const decl = this.decl(name);
    const typed = coerce(decl, value);
    // Store the normal form (`gb` as GB, ` 5 ` as 5) so what `get` shows is what a job uses; secrets as given.
    await this.store.setProperty(this.project, name, decl.secret || decl.type === 'string' ? value : String(typed), decl.secret);
    return this.view(decl);
  }

  async unset(name: string): Promise<boolean> {
    this.decl(name);
    return this.store.unsetProperty(this.project, name);
  }

  /** Typed values with defaults applied, and the secret values to keep out of records. */
  async resolve(): Promise<{ values: Record<string, unknown>; secrets: string[] }> {
    const values: Record<string, unknown> = {};
    const secrets: string[] = [];
    for (const d of Object.values(this.pkg.properties)) {
      const stored = await this.store.getProperty(this.project, d.name);
      if (stored) {
        values[d.name] = coerce(d, stored.value);
        if (d.secret && stored.value.length > 0) secrets.push(stored.value);
      } else if (d.default !== undefined) values[d.name] = d.default;
    }
    return { values, secrets };
  }

  /** One property's typed value (its default when not set); PROPERTY_INVALID when the stored value no longer fits. */
  async value(name: string): Promise<PropertyValue | undefined> {
    const decl = this.decl(name);
    const stored = await this.store.getProperty(this.project, name);
    return stored ? coerce(decl, stored.value) : decl.default;
  }

  /** Throws PROPERTY_MISSING naming the first required property among `names` that has no value. */
  requireSet(names: Iterable<string>, values: Record<string, unknown>): void {
    const missing = [...names].filter((n) => this.pkg.properties[n]?.required && (values[n] === undefined || values[n] === ''));
    if (missing.length === 0) return;
    const lines = missing.map((n) => `'${n}' (${this.pkg.properties[n]?.title})`);
    throw new UserError('PROPERTY_MISSING', `Project propert${missing.length > 1 ? 'ies' : 'y'} ${lines.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set.`, {
      details: { missing },
      hint: missing.map((n) => `recipes properties set ${n}${this.pkg.properties[n]?.secret ? '' : ' VALUE'}`).join('\n'),
    });
  }
}
