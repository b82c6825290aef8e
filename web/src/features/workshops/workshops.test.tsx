import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithProviders } from '../../components/testing';
import { formatLocal, type InvitationPage as Page } from './api';
import { FeedbackChart } from './FeedbackChart';
import { textIn } from '../../components/texts';
import { InvitationPage } from './InvitationPage';

afterEach(() => {
  vi.unstubAllGlobals();
  window.location.hash = '';
});

const token = 'A'.repeat(43);

function page(overrides: Partial<Page> = {}): Page {
  return {
    seriesId: 'codesign',
    language: 'el',
    titles: { en: 'Co-design of the Innovation Development Model', el: 'Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας' },
    descriptions: {},
    questions: [{ id: 'challenge', labels: { en: 'Your management challenge' }, maxLength: 200, required: true }],
    sessions: [
      {
        id: 'w1',
        titles: { en: 'First workshop' },
        descriptions: {},
        start: '2031-07-13T10:00',
        end: '2031-07-13T12:00',
        timeZone: 'Europe/Athens',
        startUtc: '2031-07-13T07:00:00Z',
        endUtc: '2031-07-13T09:00:00Z',
        onlineUrl: 'https://meet.example.org/1',
        venue: null,
        waitlist: true,
        registrationDeadline: '2031-07-11T07:00:00Z',
        open: true,
        seatsLeft: 3,
      },
    ],
    person: { name: 'Μαρία Γεωργίου', email: 'maria@example.gov', organisation: 'Δήμος Αθηναίων' },
    invitationStatus: 'sent',
    invitationDeadline: '2031-07-10T00:00:00Z',
    registration: null,
    consentTextVersion: '',
    ...overrides,
  };
}

describe('workshop helpers', () => {
  it('formats a session’s wall-clock time without shifting it to the reader’s zone', () => {
    expect(formatLocal('2031-07-13T10:00', 'en', { hour: '2-digit', minute: '2-digit', hour12: false })).toBe('10:00');
  });

  it('picks the reader’s language, then English', () => {
    expect(textIn({ en: 'Workshop', el: 'Εργαστήριο' }, 'el')).toBe('Εργαστήριο');
    expect(textIn({ en: 'Workshop' }, 'pl')).toBe('Workshop');
  });
});

describe('FeedbackChart', () => {
  it('draws an SVG image with a text alternative and the same figures in a table', () => {
    renderWithProviders(
      <FeedbackChart
        title="Average ratings"
        fileName="f.csv"
        summary={{ sessionId: null, responses: 2, comments: ['<b>Great</b>'], ratings: [{ question: 'overall', count: 2, average: 4, distribution: [0, 0, 1, 0, 1] }] }}
      />,
    );
    const image = screen.getByRole('img', { name: /Average ratings/ });
    expect(image.tagName.toLowerCase()).toBe('svg');
    expect(screen.getByRole('table').textContent).toContain('Overall');
    // A comment with markup is shown as text.
    expect(screen.getByText('<b>Great</b>')).toBeTruthy();
  });
});

describe('InvitationPage', () => {
  it('shows a clear refusal for a link without a valid token', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(404, { title: 'x', code: 'token_invalid' })));
    window.location.hash = `#token=${token}`;
    renderWithProviders(<InvitationPage />);
    expect((await screen.findByText('This link cannot be used')).tagName).toBe('H1');
  });

  it('pre-fills the form and sends the registration with the token in a header', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        calls.push({ url, init });
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        if (init.method === 'POST') return jsonResponse(201, page({ registration: { sessionId: 'w1', status: 'confirmed', waitlistPosition: null, answers: { challenge: 'x' }, offerExpiresAt: null } }));
        return jsonResponse(200, page());
      }),
    );
    window.location.hash = `#token=${token}`;
    renderWithProviders(<InvitationPage />);
    expect(await screen.findByDisplayValue('Μαρία Γεωργίου')).toBeTruthy();
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('');
    expect(screen.getByLabelText(/Your management challenge/).getAttribute('aria-required')).toBe('true');
    expect(screen.getByText('3 seats left', { exact: false })).toBeTruthy();
    fireEvent.input(screen.getByLabelText(/Your management challenge/), { target: { value: 'Measuring results' } });
    fireEvent.click(screen.getByLabelText(/I agree/));
    fireEvent.click(screen.getByRole('button', { name: 'Register' }));
    await waitFor(() => expect(screen.getByText(/registration is saved/)).toBeTruthy());
    // Announced from the status region that was on the page before, and focus moves to the result.
    expect(screen.getByRole('status').textContent).toMatch(/registration is saved/);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Your registration' })));
    const post = calls.find((c) => c.init.method === 'POST' && c.url.endsWith('/registration'))!;
    expect((post.init.headers as Record<string, string>)['X-Workshop-Token']).toBe(token);
    expect(JSON.parse(post.init.body as string)).toEqual({ sessionId: 'w1', answers: { challenge: 'Measuring results' }, consent: true });
    expect(screen.getByRole('status')).toBe(status);
  });
});
