import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyLightsailError } from '../../src/lightsail/classify-lightsail-error.js';

/** An error shaped like the ones @aws-sdk/client-lightsail throws: an Error with name, $metadata and friends. */
function sdkError(fields: Record<string, unknown>, message = 'Lightsail said no'): Error {
  return Object.assign(new Error(message), fields);
}

function convertsToText(value: unknown): boolean {
  try {
    String(value);
    return true;
  } catch {
    return false;
  }
}

describe('classifyLightsailError', () => {
  it.each([
    {
      what: 'NotFoundException with code DoesNotExist',
      error: { name: 'NotFoundException', code: 'DoesNotExist', $metadata: { httpStatusCode: 400 } },
      kind: 'not-found',
    },
    { what: 'the code-only name DoesNotExist', error: { name: 'DoesNotExist' }, kind: 'not-found' },
    { what: 'a bare code DoesNotExist', error: { code: 'DoesNotExist' }, kind: 'not-found' },
    {
      what: 'a generic name with code DoesNotExist',
      error: { name: 'ServiceException', code: 'DoesNotExist', $metadata: { httpStatusCode: 400 } },
      kind: 'not-found',
    },
    { what: 'InvalidInputException', error: { name: 'InvalidInputException' }, kind: 'invalid-input' },
    { what: 'AccessDeniedException', error: { name: 'AccessDeniedException' }, kind: 'access-denied' },
    {
      what: 'UnauthenticatedException',
      error: { name: 'UnauthenticatedException' },
      kind: 'unauthenticated',
    },
    {
      what: 'AccessDeniedException even with a 5xx status',
      error: { name: 'AccessDeniedException', $metadata: { httpStatusCode: 503 } },
      kind: 'access-denied',
    },
    { what: 'a plain Error', error: new Error('boom'), kind: 'other' },
    {
      what: 'an unrecognised client error',
      error: { name: 'OperationFailureException', $metadata: { httpStatusCode: 400 } },
      kind: 'other',
    },
  ])('does not retry $what: kind $kind', ({ error, kind }) => {
    expect(classifyLightsailError(error)).toMatchObject({ retryable: false, kind });
  });

  it.each([
    { what: 'ThrottlingException', error: { name: 'ThrottlingException' } },
    { what: 'an HTTP 429', error: { name: 'SomethingElse', $metadata: { httpStatusCode: 429 } } },
    { what: 'an Unknown 503', error: { name: 'Unknown', $metadata: { httpStatusCode: 503 } } },
    { what: 'a connection reset timeout', error: { name: 'TimeoutError', code: 'ECONNRESET' } },
    { what: 'a bare TimeoutError', error: { name: 'TimeoutError' } },
    { what: 'a refused connection', error: { name: 'Error', code: 'ECONNREFUSED' } },
    {
      what: 'a proxy page that is not JSON',
      error: { name: 'SyntaxError', $metadata: { httpStatusCode: 502 } },
    },
    {
      what: 'a ServiceException 500',
      error: { name: 'ServiceException', $metadata: { httpStatusCode: 500 } },
    },
    { what: 'any other HTTP 500', error: { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } } },
    { what: 'an error the SDK marked retryable', error: { name: 'X', $retryable: { throttling: false } } },
  ])('retries $what', ({ error }) => {
    expect(classifyLightsailError(error).retryable).toBe(true);
  });

  it.each([
    ['NotFoundException', /does not exist \(Distribution web-prod not found\)/],
    ['AccessDeniedException', /not allowed to do this \(Distribution web-prod not found\)/],
    ['ThrottlingException', /throttling requests \(Distribution web-prod not found\)/],
  ])('keeps the SDK message of a %s in the reason', (name, reason) => {
    expect(classifyLightsailError(sdkError({ name }, 'Distribution web-prod not found')).reason).toMatch(
      reason,
    );
  });

  it('gives the message of an ordinary error as the reason', () => {
    expect(classifyLightsailError(new Error('boom'))).toEqual({
      retryable: false,
      kind: 'other',
      reason: 'boom',
    });
  });

  it('names the HTTP status of a server error', () => {
    expect(
      classifyLightsailError(sdkError({ name: 'X', $metadata: { httpStatusCode: 503 } })).reason,
    ).toContain('HTTP 503');
  });

  it.each([undefined, null, 'str', 42, true, Symbol('s'), 10n, () => 0])(
    'never throws on %s and does not retry it',
    (error) => {
      const verdict = classifyLightsailError(error);
      expect(verdict).toMatchObject({ retryable: false, kind: 'other' });
      expect(verdict.reason.length).toBeGreaterThan(0);
    },
  );

  it('never throws on any value that can be turned into text', () => {
    fc.assert(
      fc.property(fc.anything().filter(convertsToText), (error) => {
        const verdict = classifyLightsailError(error);
        expect(typeof verdict.retryable).toBe('boolean');
        expect(typeof verdict.reason).toBe('string');
      }),
    );
  });

  it.each([
    ['an object without a prototype', Object.create(null)],
    ['an object whose toString is not a function', { toString: '' }],
    ['an array holding such an object', [{ toString: '' }]],
  ])('never throws on %s', (_what, error) => {
    expect(() => classifyLightsailError(error)).not.toThrow();
  });

  it.each([
    { name: 'ThrottlingException' },
    { name: 'NotFoundException', code: 'DoesNotExist', $metadata: { httpStatusCode: 400 } },
  ])('never describes $name as [object Object]', (error) => {
    expect(classifyLightsailError(error).reason).not.toContain('[object Object]');
  });

  it('does not retry a client error the SDK could only call Unknown', () => {
    expect(classifyLightsailError({ name: 'Unknown', $metadata: { httpStatusCode: 400 } }).retryable).toBe(
      false,
    );
  });
});
