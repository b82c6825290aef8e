import { act, renderHook } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { I18nProvider } from '../i18n/I18nProvider';
import { translate, type MessageKey } from '../i18n/catalogue';
import { CodedApiError } from '../session/request';
import { failureOf, problemMessages, problemText } from './problems';
import { textIn } from './texts';
import { useFormFailure } from './useFormFailure';

const t = (key: MessageKey, params?: Parameters<typeof translate>[2]) => translate('en', key, params);
const workshopProblems = problemMessages('ws.problem', ['token_expired', 'session_full']);

describe('problemMessages', () => {
  it('words the codes it knows from the catalogue and leaves the others', () => {
    expect(workshopProblems(t, 'token_expired')).toBe('This link has expired.');
    expect(workshopProblems(t, 'rate_limited')).toBeNull();
    expect(workshopProblems(t, undefined)).toBeNull();
  });
});

describe('problemText', () => {
  it('prefers the portal’s words for a known code, else says what the server said', () => {
    expect(problemText(new CodedApiError(410, 'Gone', undefined, {}, 'token_expired'), t, workshopProblems)).toBe('This link has expired.');
    expect(problemText(new CodedApiError(409, 'Conflict', 'Taken.', {}, 'other'), t, workshopProblems)).toBe('The server refused the request (409): Conflict: Taken.');
    // Only the personal-link and portal calls carry codes the portal words.
    expect(problemText(new ApiError(410, 'Gone', undefined, {}, 'token_expired'), t, workshopProblems)).toBe('The server refused the request (410): Gone');
  });
});

describe('failureOf', () => {
  it('maps field errors onto the form’s controls', () => {
    const error = new CodedApiError(400, 'Invalid', undefined, { sessionId: ['Choose a session.'], other: ['Something else.'] }, 'session_full');
    expect(failureOf(error, { sessionId: 'invite-sessions' }, t, workshopProblems)).toEqual({
      fieldErrors: { 'invite-sessions': 'Choose a session.' },
      summary: [{ fieldId: 'invite-sessions', message: 'Choose a session.' }, { message: 'Something else.' }],
    });
  });

  it('without field errors, words the problem in the summary', () => {
    const error = new CodedApiError(409, 'Full', undefined, {}, 'session_full');
    expect(failureOf(error, {}, t, workshopProblems)).toEqual({ summary: [{ message: t('ws.problem.session_full') }], fieldErrors: {} });
  });
});

describe('textIn', () => {
  it('takes the reader’s language, else English, else any text given', () => {
    expect(textIn({ en: 'Workshop', el: 'Εργαστήριο' }, 'el')).toBe('Εργαστήριο');
    expect(textIn({ en: 'Workshop' }, 'pl')).toBe('Workshop');
    expect(textIn({ ar: 'ورشة', he: '' }, 'he')).toBe('ورشة');
    expect(textIn(null, 'en')).toBe('');
  });
});

describe('useFormFailure', () => {
  const wrapper = ({ children }: { children: ComponentChildren }) => <I18nProvider initialLanguage="en">{children}</I18nProvider>;

  it('counts each failure so the summary takes focus again, and clears after a success', () => {
    const { result } = renderHook(() => useFormFailure(workshopProblems), { wrapper });
    const error = new CodedApiError(400, 'Invalid', undefined, { comment: ['Too long.'] }, undefined);
    act(() => result.current.fail(error, { comment: 'survey-comment' }));
    act(() => result.current.fail(error, { comment: 'survey-comment' }));
    expect(result.current.attempt).toBe(2);
    expect(result.current.fieldErrors).toEqual({ 'survey-comment': 'Too long.' });
    act(() => result.current.clear());
    expect(result.current.summary).toEqual([]);
    expect(result.current.fieldErrors).toEqual({});
  });
});
