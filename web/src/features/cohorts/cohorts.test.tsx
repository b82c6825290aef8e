import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithProviders } from '../../components/testing';
import { translate } from '../../i18n/catalogue';
import { CodedApiError } from '../../session/request';
import type { OnboardingPage as Page } from './api';
import { failureText, problemMessage } from './labels';
import { OnboardingPage } from './OnboardingPage';
import { ProposalPage } from './ProposalPage';

afterEach(() => {
  vi.unstubAllGlobals();
  window.location.hash = '';
});

const token = 'B'.repeat(43);

function page(overrides: Partial<Page> = {}): Page {
  return {
    cohortId: 'digital-leaders-2027',
    cohortName: 'Edition 2027',
    programmeName: 'Digital Leaders',
    name: 'Michal Avraham',
    language: 'en',
    status: 'onboarding',
    jobTitle: null,
    bio: null,
    consent: false,
    challengeTitle: null,
    challengeDescription: null,
    missing: ['profile', 'consent', 'challenge'],
    ...overrides,
  };
}

describe('cohort problem codes', () => {
  const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('en', key, params);

  it('words a coded refusal in the portal’s language and keeps the server’s detail for the field', () => {
    const error = new CodedApiError(400, 'The cohort is full.', undefined, { status: ['The cohort is full: 40 of 40 seats are taken.'] }, 'cohort_full');
    expect(problemMessage(t, 'quota_full')).toBe('The organisation’s quota is used up.');
    expect(problemMessage(t, 'something_else')).toBeNull();
    expect(failureText(t, error)).toBe('The cohort is full. The cohort is full: 40 of 40 seats are taken.');
  });

  it('defines every status, reason and problem in every language the portal speaks', () => {
    for (const language of ['ar', 'he', 'el', 'pl', 'bg', 'lv', 'hu'] as const) {
      expect(translate(language, 'cohort.status.onboarded')).not.toBe(translate('en', 'cohort.status.onboarded'));
      expect(translate(language, 'cohort.problem.no_participants')).not.toBe(translate('en', 'cohort.problem.no_participants'));
    }
  });
});

describe('OnboardingPage', () => {
  it('reads the page with the token in a header and completes the onboarding with one save', async () => {
    window.location.hash = `#token=${token}`;
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        if (init.method === 'PUT') return jsonResponse(200, page({ status: 'onboarded', missing: [], jobTitle: 'Director', consent: true, challengeTitle: 'Silos', challengeDescription: 'IT and service units' }));
        return jsonResponse(200, page());
      }),
    );
    renderWithProviders(<OnboardingPage />);
    await screen.findByText('Still missing: profile, consent, management challenge.');
    fireEvent.input(screen.getByLabelText('Job title'), { target: { value: 'Director' } });
    fireEvent.click(screen.getByLabelText(/I agree/));
    fireEvent.input(screen.getByLabelText('Challenge in one line'), { target: { value: 'Silos' } });
    fireEvent.input(screen.getByLabelText('Describe the challenge'), { target: { value: 'IT and service units' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Thank you: your onboarding is complete.');

    const get = calls[0]!;
    expect((get.init.headers as Record<string, string>)['X-Cohort-Token']).toBe(token);
    const put = calls.find((c) => c.init.method === 'PUT')!;
    expect((put.init.headers as Record<string, string>)['X-XSRF-TOKEN']).toBe('af');
    expect(JSON.parse(put.init.body as string)).toEqual({ jobTitle: 'Director', bio: '', consent: true, challengeTitle: 'Silos', challengeDescription: 'IT and service units' });
    expect(screen.getByText('Onboarded')).toBeTruthy();
  });

  it('says so when the link is not valid, and offers no form', async () => {
    window.location.hash = `#token=${token}`;
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(404, { title: 'Not found', code: 'token_invalid' }, 'application/problem+json')));
    renderWithProviders(<OnboardingPage />, 'he');
    await screen.findByText(translate('he', 'cohort.problem.token_invalid'));
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('ProposalPage', () => {
  it('shows the organisation’s quota and the field errors of a refused proposal', async () => {
    window.location.hash = `#token=${token}`;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if (url === '/api/auth/antiforgery') return jsonResponse(200, { token: 'af' });
        if (init.method === 'POST') return jsonResponse(400, { title: 'Invalid', errors: { email: ['Give a valid email address.'] } }, 'application/problem+json');
        return jsonResponse(200, { cohortId: 'c', cohortName: 'Edycja 2027', programmeName: 'Synergia', organisationId: 'pl-kprm', organisationName: 'KPRM', quota: 12, proposed: [] });
      }),
    );
    renderWithProviders(<ProposalPage />);
    await screen.findByText('Your organisation’s quota: 12 seats.');
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Katarzyna Zielińska' } });
    fireEvent.click(screen.getByRole('button', { name: 'Propose' }));
    await waitFor(() => expect(screen.getAllByText('Give a valid email address.').length).toBeGreaterThan(0));
  });
});
