import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api';
import { fieldOfPath, serverFieldErrors } from '../src/lib/form-errors';
import { en } from '../src/locales/en';

const FIELDS = ['publicPorts', 'target', 'targetPort'] as const;

describe('server field errors', () => {
  it('finds the field at the end of a model path', () => {
    expect(fieldOfPath('forwards.3.publicPorts', FIELDS)).toBe('publicPorts');
    expect(fieldOfPath('model.ftp.controlPorts.0', ['controlPorts'])).toBe('controlPorts');
    expect(fieldOfPath('interfaces.wan', FIELDS)).toBeNull();
  });

  it('puts each problem on its field and the rest on the form', () => {
    const err = new ApiError(
      400,
      'the gateway model would be invalid',
      {
        error: 'validation',
        message: 'the gateway model would be invalid',
        problems: [
          { path: 'body.publicPorts', message: 'port 2222 is the gateway forward' },
          { path: 'model.interfaces.wan', message: 'bad interface' },
        ],
      },
      null,
    );
    expect(serverFieldErrors(err, FIELDS)).toEqual({
      publicPorts: 'port 2222 is the gateway forward',
      form: 'bad interface',
    });
  });

  it('reports a lockout without field paths on the fallback field', () => {
    const err = new ApiError(
      409,
      'this apply would cut you off',
      { error: 'lockout', message: 'this apply would cut you off' },
      null,
    );
    // Said by its code in the UI's language, not in the API's English.
    expect(serverFieldErrors(err, FIELDS, 'publicPorts')).toEqual({ publicPorts: en.serverError.lockout });
  });
});
