export type LightsailErrorClass =
  | { retryable: true; reason: string }
  | {
      retryable: false;
      reason: string;
      kind: 'not-found' | 'invalid-input' | 'access-denied' | 'unauthenticated' | 'other';
    };

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const NOT_FOUND = new Set(['NotFoundException', 'NotFound', 'DoesNotExist', 'ResourceNotFoundException']);
const INVALID_INPUT = new Set(['InvalidInputException', 'InvalidInput', 'ValidationException']);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
const UNAUTHENTICATED = new Set([
  'UnauthenticatedException',
  'Unauthenticated',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Sorts a Lightsail SDK error into "try again later" or "stop and say why". The SDK names an error
 * from `__type` first and the body's `code` second (older SDKs did the reverse), so both are checked.
 */
export function classifyLightsailError(error: unknown): LightsailErrorClass {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const names = [e.name, e.code].filter((v): v is string => typeof v === 'string');
  const message = describe(e, names);
  const status = e.$metadata?.httpStatusCode;
  const has = (set: Set<string>) => names.some((n) => set.has(n));

  if (has(NOT_FOUND))
    return { retryable: false, kind: 'not-found', reason: `Lightsail says it does not exist (${message})` };
  if (has(INVALID_INPUT))
    return { retryable: false, kind: 'invalid-input', reason: `Lightsail refused the input (${message})` };
  if (has(ACCESS_DENIED)) {
    return {
      retryable: false,
      kind: 'access-denied',
      reason: `the bot's AWS identity is not allowed to do this (${message})`,
    };
  }
  if (has(UNAUTHENTICATED)) {
    return {
      retryable: false,
      kind: 'unauthenticated',
      reason: `AWS did not accept the bot's credentials (${message})`,
    };
  }
  if (has(THROTTLING) || status === 429)
    return { retryable: true, reason: `Lightsail is throttling requests (${message})` };
  if (status !== undefined && status >= 500)
    return { retryable: true, reason: `Lightsail answered HTTP ${status} (${message})` };
  if (names.some((n) => TRANSIENT_NETWORK.has(n)) || e.name === 'TimeoutError' || e.$retryable) {
    return { retryable: true, reason: `Lightsail could not be reached (${message})` };
  }
  if (e.name === 'ServiceException' || (e.name === 'Unknown' && status === undefined))
    return { retryable: true, reason: `Lightsail had an internal error (${message})` };
  return { retryable: false, kind: 'other', reason: message };
}

/** A short, safe description for the thread: the message, else the error's name; never throws. */
function describe(e: ErrorLike, names: string[]): string {
  if (typeof e.message === 'string' && e.message.trim().length > 0) return e.message.slice(0, 500);
  return names[0] ?? 'no details';
}
