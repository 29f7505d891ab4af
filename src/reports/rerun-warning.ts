/**
 * What `jobs rerun` and the console's Rerun button say before a rerun: what it will read and write. A
 * poll-triggered recipe that reads its event's record again (an action `get_*` on the trigger's connection,
 * as employee-sync's goco.get_employee) applies that record as it is now; any other replays the stored
 * trigger data as it was.
 */
import type { ActionStep, RecipeModel, Step } from '../engine/model.js';
import type { JobRecord } from '../engine/store/index.js';
import type { Runtime } from '../engine/runtime/runtime.js';

function actions(steps: readonly Step[]): ActionStep[] {
  return steps.flatMap((s) =>
    s.kind === 'action' ? [s]
    : s.kind === 'if' ? actions([...s.then, ...s.else])
    : s.kind === 'foreach' ? actions(s.steps)
    : s.kind === 'try' ? actions([...s.body, ...s.catch])
    : []);
}

/** "employee Ada Lovelace", "record 42": who the event was about, from its stored data. */
function subject(noun: string, data: unknown): string {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const name = typeof d.name === 'string' ? d.name
    : [d.preferredName ?? d.firstName, d.lastName].filter((x) => typeof x === 'string' && x !== '').join(' ');
  const id = typeof d.id === 'string' || typeof d.id === 'number' ? String(d.id) : '';
  return `${noun} ${name || id || '(unnamed)'}${name && id ? ` (${id})` : ''}`;
}

export function rerunWarning(rt: Runtime, past: JobRecord): string {
  const recipe: RecipeModel = rt.recipe(past.recipe);
  const trigger = recipe.trigger;
  const event = past.eventId ? `event ${past.eventId}` : `job ${past.id}'s trigger data`;
  if (trigger.type === 'poll') {
    const reread = actions(recipe.steps).find((s) => s.connection === trigger.connection && /^get_/.test(s.actionName.split('.').pop() ?? ''));
    if (reread) {
      const noun = (reread.actionName.split('.').pop() ?? '').replace(/^get_/, '').replace(/_/g, ' ');
      const source = rt.package.connections[trigger.connection]?.title ?? trigger.connection;
      return `rerun of job ${past.id} replays ${event}: the job reads ${subject(noun, past.trigger)} as it is in ${source} now `
        + `and applies that through the current ${recipe.name} (not the data the event carried; a ${noun} ${source} no longer has changes nothing).`;
    }
  }
  if (trigger.type === 'manual' || trigger.type === 'schedule') {
    return `rerun of job ${past.id} runs the current ${recipe.name} again, reading its data as it is now (a ${trigger.type} trigger carries none).`;
  }
  return `rerun of job ${past.id} replays ${event} through the current ${recipe.name} as it was stored: its writes repeat `
    + 'with that data, even if newer changes were made since, unless the recipe reads the current data itself.';
}
