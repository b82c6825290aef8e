import { render } from '@testing-library/preact';
import { vi } from 'vitest';
import { App } from '../app';
import type { Language } from '../i18n/catalogue';
import type { HealthReport } from '../features/home/health';

export const healthyReport: HealthReport = {
  status: 'Healthy',
  checks: [
    { name: 'tables', status: 'Healthy', description: null },
    { name: 'queues', status: 'Healthy', description: null },
    { name: 'blobs', status: 'Healthy', description: null },
  ],
};

/** Replaces fetch with one that answers /api/health with the given status and body. */
export function stubHealth(status: number, body: unknown) {
  const fetchMock = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

export function renderApp(path = '/', language: Language = 'en') {
  window.history.replaceState(null, '', path);
  return render(<App language={language} />);
}
