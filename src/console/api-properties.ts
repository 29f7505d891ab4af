/**
 * Project properties for the settings page, typed from their declarations in package.yaml so the page can
 * offer a switch, a choice or a number. A secret says only whether it is set; its value never leaves.
 * A save goes through `properties.set`, the rules of `recipes properties set`.
 */
import { UserError } from '../engine/errors.js';
import type { PropertyView } from '../engine/runtime/properties.js';
import type { Runtime } from '../engine/runtime/runtime.js';

export interface TypedPropertyView extends PropertyView {
  type: string;
  /** Whether the store holds a value (a secret shows "set" / "not set" from this). */
  set: boolean;
  values?: readonly (string | number)[];
  min?: number;
  max?: number;
  default?: string | number | boolean;
}

export function typed(rt: Runtime, view: PropertyView): TypedPropertyView {
  const d = rt.package.properties[view.name]!;
  return {
    ...view,
    type: d.type,
    set: view.source === 'set',
    ...(d.values ? { values: d.values } : {}),
    ...(d.min !== undefined ? { min: d.min } : {}),
    ...(d.max !== undefined ? { max: d.max } : {}),
    ...(d.default !== undefined && !d.secret ? { default: d.default } : {}),
  };
}

export async function listProperties(rt: Runtime): Promise<TypedPropertyView[]> {
  return (await rt.properties.list()).map((v) => typed(rt, v));
}

/** `{ value }`: text as typed at the CLI, or the JSON true/false/number a switch or number field sends. */
export async function setProperty(rt: Runtime, name: string, body: unknown): Promise<TypedPropertyView> {
  const value = body && typeof body === 'object' ? (body as { value?: unknown }).value : undefined;
  if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
    throw new UserError('BODY_INVALID', "The request body must be JSON with a 'value': text, true/false or a number.");
  }
  return typed(rt, await rt.properties.set(name, String(value)));
}
