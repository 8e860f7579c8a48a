import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, CSRF_HEADER, setCsrfToken } from '../src/lib/api';

/** Answers every request with `response` and records what was sent. */
function serve(response: () => Response) {
  const sent: Request[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push(new Request(new URL(url, 'http://panel.test'), init));
    return response();
  });
  return sent;
}

/** A cookie of the name the old client guessed at: the server never sets one, so it must not be sent. */
function plantCsrfCookie() {
  // biome-ignore lint/suspicious/noDocumentCookie: the test plants the cookie a guessing client would read
  document.cookie = 'gatehouse_csrf=from-cookie';
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('api client', () => {
  it('sends the CSRF token from login/me on writes only', async () => {
    const sent = serve(() => Response.json({ ok: true }));
    setCsrfToken('t0ken');
    plantCsrfCookie();
    await api('/forwards');
    await api('/forwards/web', { method: 'DELETE' });
    expect(sent[0]?.headers.get(CSRF_HEADER)).toBeNull();
    expect(sent[1]?.headers.get(CSRF_HEADER)).toBe('t0ken');
  });

  it('sends no CSRF header without a token, whatever cookies there are', async () => {
    const sent = serve(() => Response.json({ ok: true }));
    plantCsrfCookie();
    await api('/apply', { method: 'POST', body: {} });
    expect(sent[0]?.headers.get(CSRF_HEADER)).toBeNull();
  });

  it("decodes the server's error body: code, message, problems", async () => {
    const body = {
      error: 'validation',
      message: 'the gateway model would be invalid',
      problems: [{ path: 'body.publicPorts', message: 'overlap' }],
      problemCount: 1,
    };
    serve(() => Response.json(body, { status: 400 }));
    const err = await api('/forwards', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation',
      message: body.message,
      problems: body.problems,
      body,
    });
  });

  it('keeps a foreign error page out of the body (a proxy answering 502)', async () => {
    serve(() => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = await api('/status').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: null, body: null, problems: [], message: '502 Bad Gateway' });
  });
});
