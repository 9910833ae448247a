import type { ConfirmDecision, Gate } from './gate.js';

export interface ApprovalPolicy {
  /** `--yes`: approve every gate. */
  yes: boolean;
  /** `--approve ID...`: approve these steps' gates. */
  approve: string[];
  /** `DRILLBOOK_APPROVE`: ids separated by commas or spaces, or `all`. */
  env?: string | undefined;
}

export const NO_APPROVAL_HINT = 'pass --yes, --approve <step-id>, or set DRILLBOOK_APPROVE=<step-id>';

/**
 * The gate used when nobody is at a terminal. It decides from flags and never waits:
 * a gate without an approval fails its step with a message naming the options.
 */
export function createPolicyGate(policy: ApprovalPolicy): Gate {
  const fromEnv = envApprovals(policy.env);
  const envAll = fromEnv.includes('all');
  return {
    interactive: false,
    async confirm(request): Promise<ConfirmDecision> {
      const id = request.stepId;
      if (policy.yes) return { decision: 'approve', by: 'yes-flag', note: 'approved by --yes' };
      if (policy.approve.includes(id))
        return { decision: 'approve', by: 'approve-flag', note: `approved by --approve ${id}` };
      if (envAll || fromEnv.includes(id))
        return {
          decision: 'approve',
          by: 'approve-env',
          note: `approved by DRILLBOOK_APPROVE=${envAll ? 'all' : id}`,
        };
      return {
        decision: 'refuse',
        by: 'policy',
        note: `needs approval and nobody is at a terminal to give it: ${NO_APPROVAL_HINT.replaceAll('<step-id>', id)}`,
      };
    },
    async failed() {
      return { decision: 'fail', by: 'policy', note: 'headless: failures are final' };
    },
  };
}

/**
 * For the TUI: gates approved by flags (--yes, --approve, DRILLBOOK_APPROVE) pass without
 * asking; every other decision goes to the person.
 */
export function withPreApprovals(policy: ApprovalPolicy, person: Gate): Gate {
  const flags = createPolicyGate(policy);
  return {
    interactive: person.interactive ?? true,
    async confirm(request, signal) {
      const decision = await flags.confirm(request, signal);
      return decision.decision === 'approve' ? decision : person.confirm(request, signal);
    },
    failed: (request, signal) => person.failed(request, signal),
  };
}

/** The ids in `DRILLBOOK_APPROVE` (separated by commas or spaces; `all` is one of them). */
export function envApprovals(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
