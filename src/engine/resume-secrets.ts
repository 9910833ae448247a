import type { JournalContents } from './journal-read.js';
import type { ResumeState } from './runner.js';
import { type SealedValue, unseal } from './sealed.js';

export type RestoredSecrets =
  | { ok: true; state: ResumeState; varOverrides: Record<string, string> }
  /** `missing`: secret names not set now. `lost`: values that held a secret in an encoded form. */
  | { ok: false; missing: string[]; lost: string[] };

/**
 * Puts the secrets back into what a resumed run carries over (--var values, vars, step
 * outputs), reading them from the environment as it is now. The journal and meta.json hold
 * only the secrets' names; a value that cannot be restored makes resume refuse rather than
 * give a step `***` in place of a secret.
 */
export function restoreSecrets(
  journal: JournalContents,
  state: ResumeState,
  declared: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): RestoredSecrets {
  const missing = new Set(declared.filter((name) => !env[name]));
  const lost: string[] = [];
  const open = (sealed: SealedValue, what: string): string | undefined => {
    if (sealed.lossy) lost.push(what);
    const result = unseal(sealed, env);
    if ('missing' in result) {
      for (const name of result.missing) missing.add(name);
      return undefined;
    }
    return result.value;
  };

  const varOverrides = { ...journal.meta.vars };
  for (const [name, sealed] of Object.entries(journal.meta.secretVars ?? {})) {
    const value = open(sealed, `--var ${name}`);
    if (value !== undefined) varOverrides[name] = value;
  }
  // Only values that `state` took from the journal as they were are replaced, so whatever
  // resumeStateFrom decided to carry over (and a later save winning) stays as it is.
  const vars = { ...state.vars };
  for (const [name, sealed] of Object.entries(journal.start.sealedVars ?? {})) {
    if (vars[name] !== journal.start.vars[name]) continue;
    const value = open(sealed, `vars.${name}`);
    if (value !== undefined) vars[name] = value;
  }
  const outputs = { ...state.outputs };
  for (const e of journal.events) {
    if (e.type !== 'step-end' || !e.sealed) continue;
    const carriedOutput = outputs[e.stepId] === e.value;
    const carriedVar = e.saved !== undefined && vars[e.saved.name] === (e.value ?? e.saved.value);
    if (!carriedOutput && !carriedVar) continue;
    const value = open(e.sealed, `the output of step ${e.stepId}`);
    if (value === undefined) continue;
    if (carriedOutput) outputs[e.stepId] = value;
    if (carriedVar && e.saved) vars[e.saved.name] = value;
  }
  if (missing.size > 0 || lost.length > 0) return { ok: false, missing: [...missing], lost };
  return { ok: true, state: { ...state, vars, outputs }, varOverrides };
}
