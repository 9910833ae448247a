import { FatalCheck } from './poll.js';
import type { AwsSpec } from './settings.js';

/** What an AWS call was for, so a failure can name the resource and the permission. */
export interface AwsCall {
  service: 'CloudWatch' | 'Route 53' | 'SSM';
  /** IAM action, e.g. `cloudwatch:DescribeAlarms`. */
  permission: string;
  /** What the step was looking at, e.g. `alarm bookstore-api-blue-StatusCheckFailed`. */
  subject: string;
  endpoint?: string;
  /** The profile in use, if any, so a credentials failure can name it. */
  profile?: string;
}

export interface AwsProblem {
  message: string;
  /** true = retrying cannot help (credentials, permissions, unknown resource, bad input). */
  fatal: boolean;
  code: string;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
]);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

/** Turns an SDK error into a sentence a person can act on; never includes credentials. */
export function describeAwsError(error: unknown, call: AwsCall): AwsProblem {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const said = e.message ?? String(error);
  const where = `${call.service} (${call.subject})`;
  if (code === 'CredentialsProviderError' || /could not (load|resolve) credentials/i.test(said)) {
    return {
      code,
      fatal: true,
      message:
        `no AWS credentials for ${where}${call.profile ? ` with profile "${call.profile}"` : ''}: ${said}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ` +
        'AWS_PROFILE, or aws.profile in the runbook',
    };
  }
  if (DENIED.has(code)) {
    return {
      code,
      fatal: true,
      message: `access denied to ${where}: the credentials need the IAM permission ${call.permission} (AWS said: ${said})`,
    };
  }
  if (BAD_CREDENTIALS.has(code)) {
    return { code, fatal: true, message: `AWS rejected the credentials for ${where}: ${code}: ${said}` };
  }
  if (/region is missing/i.test(said)) {
    return {
      code,
      fatal: true,
      message: `no AWS region for ${where}: set aws.region in the runbook or AWS_REGION`,
    };
  }
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  if (NETWORK.has(code) || (cause !== undefined && NETWORK.has(cause)) || code === 'TimeoutError') {
    return {
      code,
      fatal: false,
      message: `cannot reach ${call.service} at ${call.endpoint ?? 'AWS'}: ${said}`,
    };
  }
  const status = e.$metadata?.httpStatusCode ?? 0;
  const throttled = status === 429 || /throttl|toomanyrequests|ratelimit/i.test(code);
  // Other 4xx answers (validation, not found) will not change by asking again.
  const fatal = !throttled && status >= 400 && status < 500;
  return {
    code,
    fatal,
    message: `${call.service} ${call.permission.split(':')[1]} failed for ${call.subject}: ${code}: ${said}`,
  };
}

/** Rethrows an SDK error as a described one: FatalCheck when retrying cannot help. */
export function rethrowAws(error: unknown, call: AwsCall): never {
  const problem = describeAwsError(error, call);
  if (problem.fatal) throw new FatalCheck(problem.message);
  throw new Error(problem.message);
}

/** The endpoint and profile a call goes through, for messages. */
export function callTarget(aws: AwsSpec): Pick<AwsCall, 'endpoint' | 'profile'> {
  const profile = aws.profile ?? process.env['AWS_PROFILE'];
  return { ...(aws.endpoint ? { endpoint: aws.endpoint } : {}), ...(profile ? { profile } : {}) };
}
