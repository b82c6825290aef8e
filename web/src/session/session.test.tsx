import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetAntiforgeryToken } from '../api/http';
import { jsonResponse } from '../components/testing';
import { App } from '../app';
import { renderApp, testAdmin } from '../test/render';

/** The app as it starts in a browser: it asks the server who is signed in. */
function renderFetchingSession(path: string) {
  window.history.replaceState(null, '', path);
  return render(<App language="en" />);
}

afterEach(() => {
  resetAntiforgeryToken();
  window.location.hash = '';
});

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    const handler = routes[`${init.method ?? 'GET'} ${url.pathname}`];
    if (url.pathname === '/api/auth/antiforgery') return jsonResponse(200, { token: 'xsrf', headerName: 'X-XSRF-TOKEN' });
    if (url.pathname === '/api/health') return jsonResponse(200, { status: 'Healthy', checks: [] });
    return handler ? handler(url, init) : jsonResponse(500, { title: `No mock for ${url.pathname}` });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function calls(fetchMock: ReturnType<typeof mockApi>) {
  return (fetchMock.mock.calls as unknown as [string, RequestInit][]).map(([url, init]) => ({
    url,
    method: init.method ?? 'GET',
    body: init.body,
    headers: (init.headers ?? {}) as Record<string, string>,
  }));
}

describe('navigation by role', () => {
  it('shows a visitor "Sign in" and no admin links', async () => {
    mockApi({ 'GET /api/auth/me': () => jsonResponse(401, { title: 'Sign in' }) });
    renderFetchingSession('/');
    expect(await screen.findByRole('link', { name: 'Sign in' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'People' })).toBeNull();
    expect(within(nav).queryByRole('link', { name: 'Workflows' })).toBeNull();
  });

  it('shows a coordinator the registry but not the audit log or workflows', async () => {
    mockApi({ 'GET /api/auth/me': () => jsonResponse(200, { ...testAdmin, name: 'Cora', roles: ['coordinator', 'member'] }) });
    renderFetchingSession('/');
    expect(await screen.findByRole('link', { name: 'Cora' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'People' })).toBeTruthy();
    expect(within(nav).queryByRole('link', { name: 'Audit log' })).toBeNull();
    expect(within(nav).queryByRole('link', { name: 'Workflows' })).toBeNull();
  });

  it('asks a visitor to sign in on a guarded page instead of loading it', async () => {
    const fetchMock = mockApi({ 'GET /api/auth/me': () => jsonResponse(401, {}) });
    renderFetchingSession('/admin/audit');
    expect(await screen.findByText('Sign in to see this page.')).toBeTruthy();
    expect(calls(fetchMock).some((c) => c.url.startsWith('/api/admin/audit'))).toBe(false);
  });

  it('tells a member without the role that the page is not for them', async () => {
    mockApi({});
    renderApp('/registry/people', 'en', { ...testAdmin, roles: ['member'] });
    expect(await screen.findByText(/Your roles do not include this page/)).toBeTruthy();
  });
});

describe('sign-in', () => {
  it('answers every address with the same neutral message and sends the UI language', async () => {
    const fetchMock = mockApi({
      'GET /api/auth/providers': () => jsonResponse(200, { emailLink: true, oidc: true, oidcSignInUrl: '/api/auth/oidc/sign-in' }),
      'POST /api/auth/sign-in': () => jsonResponse(202, { message: 'whatever the server says' }),
    });
    renderApp('/sign-in', 'en', null);
    expect(await screen.findByRole('link', { name: 'Sign in with Microsoft' })).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Email address'), { target: { value: 'someone@example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));
    expect(await screen.findByText(/If this address is registered/)).toBeTruthy();
    const post = calls(fetchMock).find((c) => c.method === 'POST')!;
    expect(JSON.parse(post.body as string)).toEqual({ email: 'someone@example.org', language: 'en' });
    expect(post.headers['X-XSRF-TOKEN']).toBe('xsrf');
    expect(post.headers['Accept-Language']).toBe('en');
  });

  it('does not post the token when the link is opened, and shows the used-link page after the button', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/complete': () => jsonResponse(400, { title: 'Used', status: 400, code: 'token_used' }),
    });
    window.history.replaceState(null, '', '/sign-in/complete#token=abc');
    renderApp('/sign-in/complete#token=abc', 'en', null);
    const button = await screen.findByRole('button', { name: 'Complete sign-in' });
    expect(calls(fetchMock).some((c) => c.method === 'POST')).toBe(false);
    fireEvent.click(button);
    expect(await screen.findByRole('heading', { name: 'This sign-in link has already been used' })).toBeTruthy();
    expect(JSON.parse(calls(fetchMock).find((c) => c.method === 'POST')!.body as string)).toEqual({ token: 'abc' });
  });

  it('signs in, adopts the person’s language and shows their name', async () => {
    mockApi({
      'POST /api/auth/complete': () => jsonResponse(200, { ...testAdmin, name: 'Layla', language: 'ar' }),
    });
    renderApp('/sign-in/complete#token=abc', 'en', null);
    fireEvent.click(await screen.findByRole('button', { name: 'Complete sign-in' }));
    expect(await screen.findByRole('link', { name: 'Layla' })).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('ar'));
    expect(window.location.hash).toBe('');
  });

  it('keeps a language chosen just before a reload that the server had not saved yet, and saves it again', async () => {
    localStorage.setItem('innovation-network.language.pending', JSON.stringify({ personId: testAdmin.personId, language: 'pl' }));
    const fetchMock = mockApi({
      'GET /api/auth/me': () => jsonResponse(200, { ...testAdmin, language: 'en' }),
      'PUT /api/auth/me/language': () => jsonResponse(200, { ...testAdmin, language: 'pl' }),
    });
    window.history.replaceState(null, '', '/');
    render(<App language="pl" />);
    await waitFor(() => expect(calls(fetchMock).some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls(fetchMock).find((c) => c.method === 'PUT')!.body as string)).toEqual({ language: 'pl' });
    expect(document.documentElement.lang).toBe('pl');
    await waitFor(() => expect(localStorage.getItem('innovation-network.language.pending')).toBeNull());
  });

  it('keeps a language chosen while the page was still asking who is signed in, and saves it', async () => {
    let answer: (response: Response) => void = () => {};
    const fetchMock = mockApi({
      'GET /api/auth/me': () => new Promise<Response>((resolve) => (answer = resolve)),
      'PUT /api/auth/me/language': () => jsonResponse(200, { ...testAdmin, language: 'ar' }),
    });
    window.history.replaceState(null, '', '/');
    render(<App language="en" />);
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'ar' } });
    await waitFor(() => expect(document.documentElement.dir).toBe('rtl'));

    answer(jsonResponse(200, { ...testAdmin, language: 'en' }));

    await waitFor(() => expect(calls(fetchMock).some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls(fetchMock).find((c) => c.method === 'PUT')!.body as string)).toEqual({ language: 'ar' });
    expect(document.documentElement.lang).toBe('ar');
    expect(localStorage.getItem('innovation-network.language')).toBe('ar');
  });

  it('keeps a language chosen before the session was known even when the page is left at once', async () => {
    const fetchMock = mockApi({ 'GET /api/auth/me': () => new Promise<Response>(() => {}) });
    window.history.replaceState(null, '', '/');
    const first = render(<App language="en" />);
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'ar' } });
    await waitFor(() => expect(document.documentElement.dir).toBe('rtl'));
    first.unmount();

    // The next page starts in the stored language; the record still says English.
    fetchMock.mockClear();
    const next = mockApi({
      'GET /api/auth/me': () => jsonResponse(200, { ...testAdmin, language: 'en' }),
      'PUT /api/auth/me/language': () => jsonResponse(200, { ...testAdmin, language: 'ar' }),
    });
    render(<App language="ar" />);

    await waitFor(() => expect(calls(next).some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls(next).find((c) => c.method === 'PUT')!.body as string)).toEqual({ language: 'ar' });
    await waitFor(() => expect(localStorage.getItem('innovation-network.language.pending')).toBeNull());
    expect(document.documentElement.lang).toBe('ar');
    expect(localStorage.getItem('innovation-network.language')).toBe('ar');
  });

  it('adopts the record’s language on load when the pending choice is someone else’s', async () => {
    localStorage.setItem('innovation-network.language.pending', JSON.stringify({ personId: 'another-person', language: 'pl' }));
    const fetchMock = mockApi({ 'GET /api/auth/me': () => jsonResponse(200, { ...testAdmin, language: 'ar' }) });
    window.history.replaceState(null, '', '/');
    render(<App language="en" />);
    await waitFor(() => expect(document.documentElement.lang).toBe('ar'));
    expect(calls(fetchMock).some((c) => c.method === 'PUT')).toBe(false);
    localStorage.removeItem('innovation-network.language.pending');
  });

  it('remembers a language chosen while signed in on the person’s record', async () => {
    const fetchMock = mockApi({ 'PUT /api/auth/me/language': () => jsonResponse(200, { ...testAdmin, language: 'pl' }) });
    renderApp('/', 'en');
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'pl' } });
    await waitFor(() => expect(calls(fetchMock).some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls(fetchMock).find((c) => c.method === 'PUT')!.body as string)).toEqual({ language: 'pl' });
  });
});
