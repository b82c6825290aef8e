import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithProviders } from '../../components/testing';
import { verdictFromLocation, type ReviewPage as Page } from './api';
import { CallFormPage } from './CallFormPage';
import { ReviewPage } from './ReviewPage';
import { ReportPage } from './TradePages';
import { callParts } from './routes';

afterEach(() => {
  vi.unstubAllGlobals();
  window.location.hash = '';
});

const token = 'B'.repeat(43);

function page(overrides: Partial<Page> = {}): Page {
  return {
    callId: 'excellence-2031',
    callTitles: { en: 'Excellence Makers 2031', ar: 'صنّاع التميّز ٢٠٣١' },
    nominationTitle: 'Digital appointment booking',
    goals: 'Halve waiting times.',
    expectedImpact: 'Residents save a visit.',
    feasibility: 'Two developers, six months.',
    team: 'Anna Kowalska (lead)',
    attachments: [],
    criteria: [
      { id: 'clarity', labels: { en: 'Clarity of goals' }, weight: 2 },
      { id: 'impact', labels: { en: 'Expected positive impact' }, weight: 1 },
    ],
    scaleMax: 5,
    passFail: false,
    deadline: '2031-03-01T12:00:00Z',
    status: 'assigned',
    scores: {},
    comment: null,
    language: 'en',
    ...overrides,
  };
}

describe('nomination routes', () => {
  it('splits the call paths into their parts', () => {
    expect(callParts('/nominations/calls/excellence-2031/new')).toEqual(['excellence-2031', 'new']);
    expect(callParts('/nominations/calls/c1/nominations/n%201')).toEqual(['c1', 'nominations', 'n 1']);
    expect(callParts('/nominations')).toEqual([]);
  });

  it('reads the verdict an approve or reject button stands for, and nothing else', () => {
    expect(verdictFromLocation({ hash: `#token=${token}&verdict=approve` })).toBe('approve');
    expect(verdictFromLocation({ hash: `#token=${token}&verdict=delete` })).toBeNull();
  });
});

describe('ReviewPage', () => {
  it('shows a clear refusal for a forged or expired link', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(400, { title: 'x', code: 'token_expired' })));
    window.location.hash = `#token=${token}`;
    renderWithProviders(<ReviewPage />);
    expect((await screen.findByText('This review link cannot be used')).tagName).toBe('H1');
    expect(screen.getByText('This link has expired.')).toBeTruthy();
  });

  it('opens without acting, maps field errors to the criteria and sends the scores with the token', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    let posts = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        calls.push({ url, init });
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        if (init.method === 'POST') {
          posts++;
          return posts === 1
            ? jsonResponse(400, { title: 'Bad', errors: { 'scores.clarity': ['Give a score for this criterion.'] } }, 'application/problem+json')
            : jsonResponse(200, page({ status: 'submitted', scores: { clarity: 4, impact: 5 } }));
        }
        return jsonResponse(200, page());
      }),
    );
    window.location.hash = `#token=${token}`;
    renderWithProviders(<ReviewPage />);
    expect(await screen.findByText('Clarity of goals (weight 2)')).toBeTruthy();
    expect(calls.every((c) => (c.init.method ?? 'GET') === 'GET')).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Send the review' }));
    expect((await screen.findAllByText('Give a score for this criterion.')).length).toBeGreaterThan(0);

    fireEvent.click(screen.getByLabelText('4', { selector: '#review-clarity-4' }));
    fireEvent.click(screen.getByLabelText('5', { selector: '#review-impact-5' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send the review' }));
    await waitFor(() => expect(screen.getByText(/Your answer is recorded: Reviewed/)).toBeTruthy());
    const post = calls.filter((c) => c.init.method === 'POST').at(-1)!;
    expect((post.init.headers as Record<string, string>)['X-Nomination-Token']).toBe(token);
    expect(JSON.parse(post.init.body as string)).toEqual({ action: 'submit', scores: { clarity: 4, impact: 5 }, comment: '' });
  });

  it('pre-selects the verdict of a pass/fail link and confirms it only with the button', async () => {
    const methods: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        methods.push(init.method ?? 'GET');
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        return jsonResponse(200, page({ passFail: true, criteria: [] }));
      }),
    );
    window.location.hash = `#token=${token}&verdict=reject`;
    renderWithProviders(<ReviewPage />);
    const reject = (await screen.findByLabelText('Reject')) as HTMLInputElement;
    expect(reject.checked).toBe(true);
    expect(methods).not.toContain('POST');
  });
});

describe('ReportPage', () => {
  it('names the missing fields, then records the report with the token', async () => {
    let posts = 0;
    const form = { projectTitle: 'Adaptive traffic signals', stage: 1, stageName: 'research', deliverables: ['Site visits held'], due: '2031-03-01T12:00:00Z', submitted: false, language: 'en' };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        if (init.method === 'POST') {
          posts++;
          return posts === 1
            ? jsonResponse(400, { title: 'Bad', errors: { summary: ['Describe the progress since the last report.'], health: ['Say whether the project is on track or at risk.'] } }, 'application/problem+json')
            : jsonResponse(200, { ...form, submitted: true });
        }
        return jsonResponse(200, form);
      }),
    );
    window.location.hash = `#token=${token}`;
    renderWithProviders(<ReportPage />);
    expect(await screen.findByText('Site visits held')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Send the report' }));
    expect((await screen.findAllByText('Say whether the project is on track or at risk.')).length).toBeGreaterThan(0);
    fireEvent.input(screen.getByLabelText(/Progress since the last report/), { target: { value: 'Visits done.' } });
    fireEvent.click(screen.getByLabelText('On track'));
    fireEvent.click(screen.getByRole('button', { name: 'Send the report' }));
    await waitFor(() => expect(screen.getByText('Thank you. The report is recorded.')).toBeTruthy());
  });
});

describe('CallFormPage', () => {
  it('offers the reviewers as the panel and puts a criterion error beside its field', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        if (url.startsWith('/api/registry/people')) return jsonResponse(200, { items: [{ id: 'r1', name: 'Sarah Thompson', email: 'sarah@example.gov', organisationId: null }], total: 1 });
        sent.push(JSON.parse(init.body as string));
        return jsonResponse(400, { title: 'Bad', errors: { 'criteria[1].weight': ['The weight is a number above 0 and at most 100.'] } }, 'application/problem+json');
      }),
    );
    renderWithProviders(<CallFormPage />);
    fireEvent.click(await screen.findByLabelText(/Sarah Thompson/));
    fireEvent.input(screen.getByLabelText('Weight of criterion 2'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create the call' }));
    await waitFor(() => expect(screen.getByLabelText('Weight of criterion 2').getAttribute('aria-invalid')).toBe('true'));
    const body = sent[0] as { reviewers: string[]; criteria: { id: string; weight: number | null }[] };
    expect(body.reviewers).toEqual(['r1']);
    expect(body.criteria.map((c) => [c.id, c.weight])).toEqual([
      ['clarity', 2],
      ['impact', null],
      ['feasibility', 1],
    ]);
  });
});
