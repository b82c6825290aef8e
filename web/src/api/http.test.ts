import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../components/testing';
import { ApiError, http, request, resetAntiforgeryToken } from './http';

afterEach(() => resetAntiforgeryToken());

function headersOf(call: unknown[]): Record<string, string> {
  return ((call[1] as RequestInit).headers ?? {}) as Record<string, string>;
}

describe('http', () => {
  it('GETs JSON with the session cookie and no antiforgery round trip', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(http.get('/api/thing')).resolves.toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/thing');
    expect(init.credentials).toBe('same-origin');
    expect(init.method).toBe('GET');
  });

  it('fetches the antiforgery token once and sends it on state changes', async () => {
    const fetchMock = vi.fn(async (url: string) => (url === '/api/auth/antiforgery' ? jsonResponse(200, { token: 'abc' }) : jsonResponse(202)));
    vi.stubGlobal('fetch', fetchMock);
    await expect(http.post('/api/x', { a: 1 })).resolves.toBeUndefined();
    await http.delete('/api/x/1');
    const calls = fetchMock.mock.calls as unknown as unknown[][];
    expect(calls.map((c) => c[0])).toEqual(['/api/auth/antiforgery', '/api/x', '/api/x/1']);
    expect(headersOf(calls[1]!)['X-XSRF-TOKEN']).toBe('abc');
    expect(headersOf(calls[1]!)['Content-Type']).toBe('application/json');
    expect((calls[1]![1] as RequestInit).body).toBe('{"a":1}');
    expect(headersOf(calls[2]!)['X-XSRF-TOKEN']).toBe('abc');
  });

  it('proceeds without a token when the antiforgery endpoint is missing', async () => {
    const fetchMock = vi.fn(async (url: string) => (url === '/api/auth/antiforgery' ? jsonResponse(404, { title: 'Not Found' }) : jsonResponse(200, { done: 1 })));
    vi.stubGlobal('fetch', fetchMock);
    await expect(http.put('/api/y', {})).resolves.toEqual({ done: 1 });
    const calls = fetchMock.mock.calls as unknown as unknown[][];
    expect(headersOf(calls[1]!)['X-XSRF-TOKEN']).toBeUndefined();
  });

  it('turns a ValidationProblem into an ApiError with field errors', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        jsonResponse(
          400,
          { title: 'One or more validation errors occurred.', status: 400, errors: { reason: ['Too long.'], '': ['Bad body.'] } },
          'application/problem+json',
        ),
      ),
    );
    const error = await http.get('/api/z').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, title: 'One or more validation errors occurred.', errors: { reason: ['Too long.'], '': ['Bad body.'] } });
  });

  it('keeps the detail of a 404 ProblemDetails and copes with a body that is not JSON', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(404, { title: 'Not Found', detail: 'No instance x.' })));
    await expect(http.get('/api/a')).rejects.toMatchObject({ status: 404, title: 'Not Found', detail: 'No instance x.', errors: {} });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('upstream down', { status: 502, statusText: 'Bad Gateway' })));
    await expect(http.get('/api/a')).rejects.toMatchObject({ status: 502, title: 'Bad Gateway', detail: 'upstream down' });
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(http.get('/api/a')).rejects.toMatchObject({ status: 0 });
  });

  it('sends what a call asks for: Accept-Language, If-Match, a raw body and a fresh token each time', async () => {
    let n = 0;
    const fetchMock = vi.fn(async (url: string) => (url === '/api/auth/antiforgery' ? jsonResponse(200, { token: `t${++n}` }) : jsonResponse(200, { ok: 1 })));
    vi.stubGlobal('fetch', fetchMock);
    document.documentElement.lang = 'ar';
    try {
      const options = { sendLanguage: true, ifMatch: 'W/"1"', raw: 'a,b', contentType: 'text/csv', freshAntiforgery: true };
      await expect(request('POST', '/api/csv', undefined, options)).resolves.toEqual({ ok: 1 });
      await request('POST', '/api/csv', undefined, options);
    } finally {
      document.documentElement.lang = '';
    }
    const calls = fetchMock.mock.calls as unknown as unknown[][];
    expect(calls.map((c) => c[0])).toEqual(['/api/auth/antiforgery', '/api/csv', '/api/auth/antiforgery', '/api/csv']);
    const headers = headersOf(calls[1]!);
    expect(headers).toMatchObject({ 'Accept-Language': 'ar', 'If-Match': 'W/"1"', 'Content-Type': 'text/csv', 'X-XSRF-TOKEN': 't1' });
    expect((calls[1]![1] as RequestInit).body).toBe('a,b');
    expect(headersOf(calls[3]!)['X-XSRF-TOKEN']).toBe('t2');
  });

  it('exposes the problem code and lets a caller build its own error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(429, { title: 'Slow down', code: 'rate_limited' })));
    await expect(http.get('/api/a')).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('upstream down', { status: 502, statusText: 'Bad Gateway' })));
    const error = await request('GET', '/api/a', undefined, { toError: (p) => new ApiError(p.status, p.title, p.detail, p.errors, p.code) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, title: 'Bad Gateway', detail: undefined });
  });
});
