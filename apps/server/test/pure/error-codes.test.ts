/**
 * Error bodies carry codes and params besides the English message, bounded
 * like the message: a problem without a code gets `invalid`, params are
 * capped in number and length, and an HttpError's params reach the body.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { boundParams, boundProblems } from '../../src/lib/bounded.js';
import { HttpError } from '../../src/lib/errors.js';
import errors from '../../src/plugins/errors.js';

describe('error codes and params', () => {
  it('every bounded problem has a code, and its params are cut to size', () => {
    const { problems } = boundProblems(
      [
        { path: 'a', message: 'm' },
        { path: 'b', message: 'm', code: 'forward.ports_overlap', params: { other: 'x'.repeat(5000), port: 21 } },
      ],
      (p) => p,
    );
    expect(problems[0]).toEqual({ path: 'a', message: 'm', code: 'invalid', params: {} });
    expect(problems[1]?.code).toBe('forward.ports_overlap');
    expect(problems[1]?.params?.port).toBe(21);
    expect(String(problems[1]?.params?.other).length).toBeLessThan(300);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(boundParams(many))).toHaveLength(10);
  });

  it("an HttpError's params and its problems' codes reach the body", async () => {
    const app = Fastify();
    await app.register(errors);
    app.get('/x', async () => {
      throw new HttpError(409, 'exists', 'id "web" is already used', {
        params: { id: 'web' },
        problems: [
          { path: 'body.id', message: 'taken', code: 'id.taken_by_forward', params: { id: 'web', name: 'w' } },
        ],
      });
    });
    const r = await app.inject({ method: 'GET', url: '/x' });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({
      error: 'exists',
      message: 'id "web" is already used',
      params: { id: 'web' },
      problems: [{ path: 'body.id', message: 'taken', code: 'id.taken_by_forward', params: { id: 'web', name: 'w' } }],
    });
    await app.close();
  });
});
