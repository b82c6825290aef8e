import { render } from '@testing-library/preact';
import { vi } from 'vitest';
import routeList from '../../scripts/routes.json';
import { App, preloadPage } from '../app';
import type { Language } from '../i18n/catalogue';
import type { Me } from '../session/api';
import type { HealthReport } from '../features/home/health';

export const healthyReport: HealthReport = {
  status: 'Healthy',
  checks: [
    { name: 'tables', status: 'Healthy', description: null },
    { name: 'queues', status: 'Healthy', description: null },
    { name: 'blobs', status: 'Healthy', description: null },
  ],
};

// Each page's code arrives on its own in the browser (a loading status shows meanwhile); here
// every page is at hand before a test renders the app, so a test sees the page at once.
await Promise.all(routeList.routes.map((r) => preloadPage(r.path)));

/** Replaces fetch with one that answers /api/health with the given status and body. */
export function stubHealth(status: number, body: unknown) {
  const fetchMock = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** A signed-in administrator, so every page and link is there and no session request is made. */
export const testAdmin: Me = { personId: 'admin-1', email: 'admin@example.org', name: 'Ada Admin', roles: ['admin', 'member'], language: 'en' };

/** Renders the whole app; pass session null for a visitor, undefined to ask the (stubbed) server. */
export function renderApp(path = '/', language: Language = 'en', session: Me | null | undefined = testAdmin) {
  window.history.replaceState(null, '', path);
  return render(<App language={language} session={session} />);
}
