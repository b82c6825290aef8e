import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, expect, it, vi } from 'vitest';
import { resetAntiforgeryToken } from '../api/http';
import { jsonResponse } from '../components/testing';
import { renderApp, testAdmin } from '../test/render';

// Arabic's catalogue arrives only when the test lets it, as a slow network would deliver it.
const arabic = vi.hoisted(() => {
  let release: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (release = resolve));
  return { arrived, release, released: false };
});

vi.mock('../i18n/catalogue', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../i18n/catalogue')>();
  return {
    ...actual,
    isCatalogueLoaded: (language: Parameters<typeof actual.isCatalogueLoaded>[0]) =>
      language === 'ar' ? arabic.released && actual.isCatalogueLoaded(language) : actual.isCatalogueLoaded(language),
    loadCatalogue: (language: Parameters<typeof actual.loadCatalogue>[0]) =>
      language === 'ar' ? arabic.arrived.then(() => actual.loadCatalogue(language)) : actual.loadCatalogue(language),
  };
});

afterEach(() => {
  resetAntiforgeryToken();
  window.location.hash = '';
});

it('keeps and saves a language chosen while the signed-in person’s own is still loading', async () => {
  const saved: string[] = [];
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    const route = `${init.method ?? 'GET'} ${url.pathname}`;
    if (url.pathname === '/api/auth/antiforgery') return jsonResponse(200, { token: 'xsrf', headerName: 'X-XSRF-TOKEN' });
    if (url.pathname === '/api/health') return jsonResponse(200, { status: 'Healthy', checks: [] });
    if (route === 'POST /api/auth/complete') return jsonResponse(200, { ...testAdmin, name: 'Layla', language: 'ar' });
    if (route === 'PUT /api/auth/me/language') {
      const language = (JSON.parse(init.body as string) as { language: string }).language;
      saved.push(language);
      return jsonResponse(200, { ...testAdmin, name: 'Layla', language });
    }
    return jsonResponse(500, { title: `No mock for ${route}` });
  });
  vi.stubGlobal('fetch', fetchMock);

  renderApp('/sign-in/complete#token=abc', 'en', null);
  fireEvent.click(await screen.findByRole('button', { name: 'Complete sign-in' }));
  expect(await screen.findByRole('link', { name: 'Layla' })).toBeTruthy();

  // The record says Arabic, whose catalogue is still on its way; the person picks English.
  fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'en' } });
  arabic.released = true;
  arabic.release();

  await waitFor(() => expect(saved).toEqual(['en']));
  expect(document.documentElement.lang).toBe('en');
});
