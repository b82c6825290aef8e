import { act, renderHook, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../components/testing';
import { PersonalLinkStatus, usePersonalLink, type PersonalLinkState } from './usePersonalLink';

afterEach(() => {
  window.location.hash = '';
});

const token = 'C'.repeat(43);

describe('usePersonalLink', () => {
  it('is refused at once when the link carries no token, and reads nothing', () => {
    const load = vi.fn(async () => 'page');
    const { result } = renderHook(() => usePersonalLink({ missing: () => 'no token', load, refusal: () => 'refused' }));
    expect(result.current.state).toEqual({ kind: 'refused', refusal: 'no token' });
    expect(load).not.toHaveBeenCalled();
  });

  it('reads the page with the token from the fragment once', async () => {
    window.location.hash = `#token=${token}`;
    const load = vi.fn(async (t: string) => `page for ${t.length}`);
    const { result, rerender } = renderHook(() => usePersonalLink({ missing: () => 'no token', load, refusal: () => 'refused' }));
    expect(result.current.state).toEqual({ kind: 'loading' });
    await act(async () => {});
    rerender();
    expect(result.current.state).toEqual({ kind: 'ready', page: 'page for 43' });
    expect(result.current.token).toBe(token);
    expect(load).toHaveBeenCalledTimes(1);
    act(() => result.current.show('next'));
    expect(result.current.state).toEqual({ kind: 'ready', page: 'next' });
  });

  it('words a refused or failed read with the page’s refusal', async () => {
    window.location.hash = `#token=${token}`;
    const expired = new Error('expired');
    const { result } = renderHook(() => usePersonalLink({ missing: () => 'no token', load: () => Promise.reject(expired), refusal: (e) => (e === expired ? 'This link has expired.' : '?') }));
    await act(async () => {});
    expect(result.current.state).toEqual({ kind: 'refused', refusal: 'This link has expired.' });
  });

  it('without a load opens ready, and the page’s button can refuse the link', () => {
    window.location.hash = `#token=${token}`;
    const { result } = renderHook(() => usePersonalLink<undefined, 'token_missing' | 'token_used'>({ missing: () => 'token_missing' }));
    expect(result.current.state.kind).toBe('ready');
    act(() => result.current.refuse('token_used'));
    expect(result.current.state).toEqual({ kind: 'refused', refusal: 'token_used' });
  });
});

describe('PersonalLinkStatus', () => {
  const loading: PersonalLinkState<never> = { kind: 'loading' };

  it('announces loading under the page’s heading', () => {
    renderWithProviders(<PersonalLinkStatus state={loading} title="Your invitation" loadingText="Loading…" />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Your invitation');
    expect(screen.getByRole('status').textContent).toBe('Loading…');
  });

  it('gives the reason for a refusal under its own heading, with what the page adds', () => {
    renderWithProviders(
      <PersonalLinkStatus state={{ kind: 'refused', refusal: 'This link has expired.' }} title="Your invitation" refusedTitle="This link cannot be used" loadingText="Loading…">
        <p>Ask for a new link.</p>
      </PersonalLinkStatus>,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('This link cannot be used');
    expect(screen.getByText('This link has expired.').className).toBe('notice notice--error');
    expect(screen.getByText('Ask for a new link.')).toBeTruthy();
  });
});
