import type { IncomingHttpHeaders } from 'node:http';

/** Access keys starting with this are refused with AccessDenied, to practise the IAM path. */
export const DENIED_ACCESS_KEY_PREFIX = 'AKIADENIED';

export type AuthOutcome =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: number; code: string; message: string };

/**
 * The sandbox reads who signed a request but does not verify signatures: any key works
 * except the "denied" ones. Unsigned requests are refused like AWS refuses them.
 */
export function authorize(headers: IncomingHttpHeaders, permission: string): AuthOutcome {
  const header = headers.authorization;
  const m = header ? /Credential=([^/,\s]+)\//.exec(header) : null;
  if (!m?.[1]) {
    return {
      ok: false,
      status: 403,
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
    };
  }
  const accessKeyId = m[1];
  if (accessKeyId.startsWith(DENIED_ACCESS_KEY_PREFIX)) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:iam::000000000000:user/sandbox-denied is not authorized to perform: ${permission} because no identity-based policy allows the ${permission} action`,
    };
  }
  return { ok: true, accessKeyId };
}
