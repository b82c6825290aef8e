import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetAntiforgeryToken } from '../../api/http';
import { jsonResponse } from '../../components/testing';
import { renderApp } from '../../test/render';
import type { OrchestrationDetail, OrchestrationSummary } from './api';
import { progressFrom } from './progress';

afterEach(() => {
  resetAntiforgeryToken();
  vi.useRealTimers();
});

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

/** A fetch that answers by "METHOD /path"; unknown requests fail the test loudly. */
function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    const key = `${init.method ?? 'GET'} ${url.pathname}`;
    const handler = routes[key];
    if (!handler) {
      return jsonResponse(500, { title: `No mock for ${key}` });
    }
    return handler(url, init);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function summary(id: string, overrides: Partial<OrchestrationSummary> = {}): OrchestrationSummary {
  return {
    instanceId: id,
    name: 'CohortOnboarding',
    status: 'Running',
    version: '1',
    createdAt: '2025-03-01T10:00:00Z',
    lastUpdatedAt: '2025-03-01T10:05:00Z',
    customStatus: null,
    failureMessage: null,
    ...overrides,
  };
}

function detail(overrides: Partial<OrchestrationSummary> = {}, rest: Partial<OrchestrationDetail> = {}): OrchestrationDetail {
  return {
    instance: summary('inst-1', overrides),
    input: { cohortId: 'c-7' },
    output: null,
    history: [
      { eventType: 'ExecutionStarted', timestamp: '2025-03-01T10:00:00Z', taskId: null, name: 'CohortOnboarding', data: null, failureDetails: null },
      { eventType: 'TaskScheduled', timestamp: '2025-03-01T10:00:01Z', taskId: 0, name: 'SendInvitation', data: { to: 'a@example.org' }, failureDetails: null },
    ],
    ...rest,
  };
}

function calls(fetchMock: ReturnType<typeof mockApi>) {
  return (fetchMock.mock.calls as unknown as [string, RequestInit][]).map(([url, init]) => ({ url, init, method: init.method ?? 'GET' }));
}

describe('workflow list', () => {
  it('renders the instances as rows and pages through continuation tokens', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations': (url) => {
        const token = url.searchParams.get('continuationToken');
        return token === 'page-2'
          ? jsonResponse(200, { items: [summary('inst-3', { status: 'Failed' })], continuationToken: null })
          : jsonResponse(200, { items: [summary('inst-1'), summary('inst-2', { status: 'Completed' })], continuationToken: 'page-2' });
      },
    });
    renderApp('/admin/workflows');

    expect(screen.getByRole('heading', { level: 1, name: 'Workflows' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Workflows' }).getAttribute('aria-current')).toBe('page');

    const table = await screen.findByRole('table', { name: /Workflow instances/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const link = within(rows[0]!).getByRole('link', { name: 'inst-1' });
    expect(link.getAttribute('href')).toBe('/admin/workflows/inst-1');
    expect(rows[1]!.textContent).toContain('Completed');
    expect(screen.getByText('Page 1')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Previous page' }).getAttribute('aria-disabled')).toBe('true');

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(screen.getByText('Page 2')).toBeTruthy());
    await waitFor(() => expect(screen.getByRole('link', { name: 'inst-3' })).toBeTruthy());
    expect(screen.queryByRole('link', { name: 'inst-1' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true');
    const list = calls(fetchMock).map((c) => new URL(c.url, 'http://localhost'));
    expect(list[1]!.searchParams.get('continuationToken')).toBe('page-2');
    expect(list[0]!.searchParams.get('pageSize')).toBe('50');

    fireEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    await waitFor(() => expect(screen.getByRole('link', { name: 'inst-1' })).toBeTruthy());
    expect(screen.getByText('Page 1')).toBeTruthy();
    const third = new URL(calls(fetchMock)[2]!.url, 'http://localhost');
    expect(third.searchParams.has('continuationToken')).toBe(false);
  });

  it('sends the filters and starts again at the first page', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations': () => jsonResponse(200, { items: [], continuationToken: null }),
    });
    renderApp('/admin/workflows');
    await screen.findByText('No workflow instances match these filters.');

    fireEvent.click(screen.getByLabelText('Running'));
    fireEvent.click(screen.getByLabelText('Failed'));
    fireEvent.input(screen.getByLabelText('Workflow name'), { target: { value: 'CohortOnboarding' } });
    fireEvent.input(screen.getByLabelText('Created from'), { target: { value: '2025-03-01T00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    const url = new URL(calls(fetchMock)[1]!.url, 'http://localhost');
    expect(url.searchParams.get('status')).toBe('Running,Failed');
    expect(url.searchParams.get('name')).toBe('CohortOnboarding');
    expect(url.searchParams.get('createdFrom')).toBe(new Date('2025-03-01T00:00').toISOString());
    expect(url.searchParams.has('createdTo')).toBe(false);
  });

  it('refuses a date range that ends before it starts, with a summary linked to the field', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations': () => jsonResponse(200, { items: [], continuationToken: null }),
    });
    renderApp('/admin/workflows');
    await screen.findByText('No workflow instances match these filters.');
    fireEvent.input(screen.getByLabelText('Created from'), { target: { value: '2025-03-02T00:00' } });
    fireEvent.input(screen.getByLabelText('Created until'), { target: { value: '2025-03-01T00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));

    const summaryBox = screen.getByRole('heading', { name: 'There is a problem' }).parentElement!;
    expect(document.activeElement).toBe(summaryBox);
    expect(within(summaryBox).getByRole('link').getAttribute('href')).toBe('#filter-created-to');
    expect(screen.getByLabelText('Created until').getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('shows a server error instead of swallowing it', async () => {
    mockApi({
      'GET /api/admin/orchestrations': () => jsonResponse(403, { title: 'Forbidden', status: 403 }),
    });
    renderApp('/admin/workflows');
    expect(await screen.findByText('You are not allowed to do this.')).toBeTruthy();
    expect(screen.getByText('The workflow instances could not be loaded.')).toBeTruthy();
  });
});

describe('workflow detail', () => {
  it('shows status, progress from the custom status, input and history', async () => {
    mockApi({
      'GET /api/admin/orchestrations/inst-1': () =>
        jsonResponse(200, detail({ status: 'Completed', customStatus: { total: 40, sent: 40, completed: 25 } }, { output: '{"seats":25}' })),
    });
    renderApp('/admin/workflows/inst-1');

    expect(await screen.findByRole('heading', { level: 1, name: /Workflow instance/ })).toBeTruthy();
    await screen.findByText('Summary');
    const sent = screen.getByLabelText('Sent') as HTMLProgressElement;
    expect(sent.value).toBe(40);
    expect(sent.max).toBe(40);
    const completed = screen.getByLabelText('Completed') as HTMLProgressElement;
    expect(completed.value).toBe(25);
    expect(completed.getAttribute('aria-valuetext')).toBe('25 of 40');
    expect(screen.getByText('25 of 40')).toBeTruthy();
    expect(screen.getAllByText('Completed', { exact: false }).length).toBeGreaterThan(0);
    expect(screen.getByText(/"cohortId": "c-7"/)).toBeTruthy();
    expect(screen.getByText(/"seats": 25/)).toBeTruthy();
    const history = screen.getByRole('list', { name: 'History' });
    expect(within(history).getAllByRole('listitem')).toHaveLength(2);
    expect(history.textContent).toContain('SendInvitation');
    expect(screen.getByRole('button', { name: 'Purge' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Terminate' })).toBeNull();
  });

  it('reads progress as done of total', () => {
    expect(progressFrom({ done: 3, total: 7 })).toEqual([{ key: 'done', value: 3, max: 7 }]);
    expect(progressFrom({ progress: { done: 1, total: 2 }, stage: 'x' })).toEqual([{ key: 'done', value: 1, max: 2 }]);
    expect(progressFrom({ stage: 'waiting' })).toEqual([]);
    expect(progressFrom('text')).toEqual([]);
  });

  it('terminates through a confirmation dialog that posts the reason', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations/inst-1': () => jsonResponse(200, detail({ status: 'Completed' })),
      'GET /api/auth/antiforgery': () => jsonResponse(200, { token: 'tok-1' }),
      'POST /api/admin/orchestrations/inst-1/terminate': () => new Response(null, { status: 202 }),
    });
    // Running on first read, so the actions for a live instance are offered.
    fetchMock.mockImplementationOnce(async () => jsonResponse(200, detail({ status: 'Running' })));
    renderApp('/admin/workflows/inst-1');

    const terminate = await screen.findByRole('button', { name: 'Terminate' });
    terminate.focus();
    fireEvent.click(terminate);
    const dialog = document.querySelector('dialog[open]') as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    const title = document.getElementById(dialog.getAttribute('aria-labelledby')!)!;
    expect(title.textContent).toBe('Terminate this workflow?');

    fireEvent.input(within(dialog).getByLabelText(/Reason/), { target: { value: 'Duplicate cohort' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Terminate' }));

    await waitFor(() => expect(calls(fetchMock).some((c) => c.url.endsWith('/terminate'))).toBe(true));
    const post = calls(fetchMock).find((c) => c.url.endsWith('/terminate'))!;
    expect(post.method).toBe('POST');
    expect(JSON.parse(post.init.body as string)).toEqual({ reason: 'Duplicate cohort' });
    expect((post.init.headers as Record<string, string>)['X-XSRF-TOKEN']).toBe('tok-1');
    await waitFor(() => expect(dialog.open).toBe(false));
    expect(await screen.findByText('Termination requested.')).toBeTruthy();
    // The instance is no longer live, so the Terminate button is gone: focus lands on the actions heading.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Purge' })).toBeTruthy());
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Actions' }));
  });

  it('puts a server validation error on the reason field', async () => {
    mockApi({
      'GET /api/admin/orchestrations/inst-1': () => jsonResponse(200, detail({ status: 'Suspended' })),
      'GET /api/auth/antiforgery': () => jsonResponse(404),
      'POST /api/admin/orchestrations/inst-1/resume': () =>
        jsonResponse(400, { title: 'One or more validation errors occurred.', status: 400, errors: { Reason: ['The reason is too long.'] } }),
    });
    renderApp('/admin/workflows/inst-1');
    fireEvent.click(await screen.findByRole('button', { name: 'Resume' }));
    const dialog = document.querySelector('dialog[open]') as HTMLDialogElement;
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(within(dialog).getByRole('link', { name: 'The reason is too long.' })).toBeTruthy());
    expect(within(dialog).getByLabelText(/Reason/).getAttribute('aria-invalid')).toBe('true');
    expect(dialog.open).toBe(true);
  });

  it('refuses invalid JSON in raise-event with a field error and posts nothing', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations/inst-1': () => jsonResponse(200, detail({ status: 'Suspended' })),
    });
    renderApp('/admin/workflows/inst-1');
    fireEvent.click(await screen.findByRole('button', { name: 'Raise event' }));
    const dialog = document.querySelector('dialog[open]') as HTMLDialogElement;
    fireEvent.input(within(dialog).getByLabelText('Event name'), { target: { value: 'Approved' } });
    fireEvent.input(within(dialog).getByLabelText(/Event data/), { target: { value: '{"approved": tru' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Raise event' }));

    const data = within(dialog).getByLabelText(/Event data/);
    expect(data.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('event-data-error')!.textContent).toContain('The event data is not valid JSON.');
    expect(within(dialog).getByRole('link', { name: /not valid JSON/ }).getAttribute('href')).toBe('#event-data');
    expect(calls(fetchMock).filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('raises an event with parsed JSON data', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations/inst-1': () => jsonResponse(200, detail({ status: 'Suspended' })),
      'GET /api/auth/antiforgery': () => jsonResponse(404),
      'POST /api/admin/orchestrations/inst-1/events/Review%20done': () => new Response(null, { status: 202 }),
    });
    renderApp('/admin/workflows/inst-1');
    fireEvent.click(await screen.findByRole('button', { name: 'Raise event' }));
    const dialog = document.querySelector('dialog[open]') as HTMLDialogElement;
    fireEvent.input(within(dialog).getByLabelText('Event name'), { target: { value: 'Review done' } });
    fireEvent.input(within(dialog).getByLabelText(/Event data/), { target: { value: '{"approved": true}' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Raise event' }));
    expect(await screen.findByText('Event “Review done” raised.')).toBeTruthy();
    const post = calls(fetchMock).find((c) => c.method === 'POST')!;
    expect(post.url).toBe('/api/admin/orchestrations/inst-1/events/Review%20done');
    expect(post.init.body).toBe('{"approved":true}');
  });

  it('polls every 2 seconds while running, announces the change and stops when finished', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let reads = 0;
    const fetchMock = mockApi({
      'GET /api/admin/orchestrations/inst-1': () => {
        reads += 1;
        return reads === 1
          ? jsonResponse(200, detail({ status: 'Running', customStatus: { done: 1, total: 4 } }))
          : jsonResponse(200, detail({ status: 'Completed', customStatus: { done: 4, total: 4 } }));
      },
    });
    renderApp('/admin/workflows/inst-1');
    expect(await screen.findByText('1 of 4')).toBeTruthy();
    expect(screen.getByText(/Updated every 2 seconds/)).toBeTruthy();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    await waitFor(() => expect(screen.getByText('4 of 4')).toBeTruthy());
    expect(screen.getByText('The status changed to Completed.')).toBeTruthy();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(6000);
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('says when the instance does not exist', async () => {
    mockApi({
      'GET /api/admin/orchestrations/nope': () => jsonResponse(404, { title: 'Not Found', status: 404 }),
    });
    renderApp('/admin/workflows/nope');
    expect(await screen.findByText(/There is no workflow instance with the ID nope/)).toBeTruthy();
  });

  it('speaks Arabic with right-to-left layout', async () => {
    mockApi({
      'GET /api/admin/orchestrations/inst-1': () => jsonResponse(200, detail({ status: 'Running', customStatus: { done: 2, total: 5 } })),
    });
    renderApp('/admin/workflows/inst-1', 'ar');
    expect(await screen.findByRole('heading', { level: 2, name: 'الملخّص' })).toBeTruthy();
    expect(document.documentElement.dir).toBe('rtl');
    const fmt = new Intl.NumberFormat('ar');
    expect(screen.getByLabelText('المُنجَز').getAttribute('aria-valuetext')).toBe(`${fmt.format(2)} من ${fmt.format(5)}`);
    expect(screen.getByText('قيد التشغيل')).toBeTruthy();
  });
});
