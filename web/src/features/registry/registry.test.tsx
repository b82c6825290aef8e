import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetAntiforgeryToken } from '../../api/http';
import { jsonResponse } from '../../components/testing';
import { renderApp } from '../../test/render';
import { diffSnapshots } from '../audit/diff';
import { auditUrl, filterFromSearch } from '../audit/AuditPage';
import type { Person } from './api';

afterEach(() => resetAntiforgeryToken());

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    if (url.pathname === '/api/auth/antiforgery') return jsonResponse(200, { token: 'xsrf' });
    const handler = routes[`${init.method ?? 'GET'} ${url.pathname}`];
    return handler ? handler(url, init) : jsonResponse(500, { title: `No mock for ${url.pathname}` });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const organisations = () =>
  jsonResponse(200, { items: [{ id: 'org-1', names: { en: 'Ministry', ar: 'وزارة' }, type: 'ministry', country: 'AE', level: 'national', domains: ['m.example'], createdAt: '', updatedAt: '', eTag: 'o1' }], page: 1, pageSize: 100, total: 1, sort: 'name' });

const person: Person = {
  id: 'p1',
  name: 'Salma',
  email: 'salma@m.example',
  organisationId: 'org-1',
  networkRole: null,
  preferredLanguage: 'ar',
  roles: ['member'],
  consent: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  eTag: 'W/"1"',
};

describe('people list', () => {
  it('pages, sorts and searches on the server and links the CSV export', async () => {
    const fetchMock = mockApi({
      'GET /api/registry/people': (url) =>
        jsonResponse(200, { items: [person], page: Number(url.searchParams.get('page')), pageSize: 25, total: 30, sort: url.searchParams.get('sort') }),
    });
    renderApp('/registry/people');
    expect(await screen.findByRole('link', { name: 'Salma' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download all as CSV' }).getAttribute('href')).toBe('/api/registry/people.csv');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: '-email' } });
    fireEvent.input(screen.getByLabelText('Search by name or email'), { target: { value: 'sal' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => {
      const urls = (fetchMock.mock.calls as unknown as [string][]).map(([u]) => u);
      expect(urls).toContain('/api/registry/people?page=2&pageSize=25&sort=name');
      expect(urls).toContain('/api/registry/people?page=1&pageSize=25&sort=-email&q=sal');
    });
  });
});

describe('person form', () => {
  it('maps server errors onto fields and says so when someone else changed the record', async () => {
    let attempt = 0;
    const fetchMock = mockApi({
      'GET /api/registry/people/p1': () => jsonResponse(200, person),
      'GET /api/registry/organisations': organisations,
      'PUT /api/registry/people/p1': () =>
        ++attempt === 1
          ? jsonResponse(400, { title: 'Invalid', status: 400, errors: { email: ['Enter a valid email address.'] } })
          : jsonResponse(412, { title: 'Changed', status: 412 }),
    });
    renderApp('/registry/people/p1');
    const save = await screen.findByRole('button', { name: 'Save changes' });
    fireEvent.click(save);
    const email = screen.getByLabelText('Email address');
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByRole('link', { name: 'Enter a valid email address.' }).getAttribute('href')).toBe('#person-email');
    const put = (fetchMock.mock.calls as unknown as [string, RequestInit][]).find(([, i]) => i.method === 'PUT')!;
    expect((put[1].headers as Record<string, string>)['If-Match']).toBe('W/"1"');

    fireEvent.click(save);
    expect(await screen.findByText(/Someone else changed this record/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reload the latest version' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'History' }).getAttribute('href')).toBe('/admin/audit?recordType=person&recordId=p1');
  });

  it('lets an admin grant a role', async () => {
    const fetchMock = mockApi({
      'GET /api/registry/people/p1': () => jsonResponse(200, person),
      'GET /api/registry/organisations': organisations,
      'PUT /api/admin/people/p1/roles/coordinator': () => jsonResponse(200, { personId: 'p1', roles: ['coordinator', 'member'] }),
    });
    renderApp('/registry/people/p1');
    fireEvent.click(await screen.findByRole('button', { name: 'Grant Coordinator' }));
    expect(await screen.findByRole('button', { name: 'Revoke Coordinator' })).toBeTruthy();
    expect((fetchMock.mock.calls as unknown as [string, RequestInit][]).some(([u, i]) => i.method === 'PUT' && u.endsWith('/roles/coordinator'))).toBe(true);
  });
});

describe('CSV import', () => {
  it('lists every row with its errors and enables Confirm only without errors', async () => {
    let previews = 0;
    mockApi({
      'POST /api/registry/people/import/preview': () =>
        ++previews === 1
          ? jsonResponse(200, {
              importId: 'i1',
              status: 'Previewed',
              rows: [
                { line: 2, values: { name: 'ليلى', email: 'l@m.example', organisationId: 'org-1', preferredLanguage: 'ar' }, errors: [] },
                { line: 3, values: { name: 'Jan', email: 'bad', organisationId: 'org-1', preferredLanguage: 'pl' }, errors: [{ field: 'email', message: 'Not an address.' }] },
              ],
              validCount: 1,
              errorCount: 1,
            })
          : jsonResponse(200, {
              importId: 'i2',
              status: 'Previewed',
              rows: [{ line: 2, values: { name: 'ليلى', email: 'l@m.example' }, errors: [] }],
              validCount: 1,
              errorCount: 0,
            }),
      'POST /api/registry/people/import/i2/confirm': () => jsonResponse(200, { importId: 'i2', status: 'Imported', imported: 1, importedAt: null }),
    });
    renderApp('/registry/import');
    const input = screen.getByLabelText('CSV file') as HTMLInputElement;
    const choose = () => {
      Object.defineProperty(input, 'files', { value: [new File(['x'], 'people.csv', { type: 'text/csv' })], configurable: true });
      fireEvent.change(input);
      fireEvent.click(screen.getByRole('button', { name: 'Check the file' }));
    };
    choose();
    expect(await screen.findByText('Rows: 2; ready to import: 1; with errors: 1.')).toBeTruthy();
    expect(screen.getByText(/Not an address\./)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Import 1 person' }) as HTMLButtonElement).disabled).toBe(true);

    choose();
    const confirm = await screen.findByRole('button', { name: 'Import 1 person' });
    await waitFor(() => expect((confirm as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(confirm);
    expect(await screen.findByText('1 person was imported.')).toBeTruthy();
  });
});

describe('audit log', () => {
  it('reads the record filter from the address and shows changed fields', () => {
    const filter = filterFromSearch('?recordType=person&recordId=p1');
    expect(auditUrl(filter, null)).toBe('/api/admin/audit?recordType=person&recordId=p1&pageSize=25');
    expect(diffSnapshots({ name: 'A', roles: ['member'], email: 'x' }, { name: 'B', roles: ['member'], email: 'x' })).toEqual([
      { field: 'name', before: 'A', after: 'B' },
    ]);
    expect(diffSnapshots(null, { name: 'A' })).toEqual([{ field: 'name', before: null, after: 'A' }]);
  });
});
