import { fireEvent, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { healthyReport, renderApp, stubHealth } from '../test/render';
import { normalisePath } from './router';

describe('router', () => {
  it('normalises trailing slashes', () => {
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('')).toBe('/');
    expect(normalisePath('/workshops/')).toBe('/workshops');
  });

  it('opens the page for the URL', () => {
    stubHealth(200, healthyReport);
    renderApp('/library/');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Best-practice library');
    expect(screen.getByText('This part of the portal is coming soon.')).toBeTruthy();
    expect(document.title).toBe('Best-practice library – Innovation Network');
  });

  it('navigates on a link click without reloading, moves focus to the heading and marks the current link', async () => {
    stubHealth(200, healthyReport);
    renderApp('/');
    fireEvent.click(screen.getByRole('link', { name: 'Workshops' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Workshops' });
    expect(window.location.pathname).toBe('/workshops');
    expect(document.activeElement).toBe(heading);
    const nav = screen.getByRole('navigation');
    expect(nav.querySelector('[aria-current="page"]')!.textContent).toBe('Workshops');
  });

  it('follows the back button', async () => {
    stubHealth(200, healthyReport);
    renderApp('/');
    fireEvent.click(screen.getByRole('link', { name: 'Cohorts' }));
    await screen.findByRole('heading', { level: 1, name: 'Cohorts' });

    window.history.back();
    expect(await screen.findByRole('heading', { level: 1, name: 'Innovation Network' })).toBeTruthy();
  });

  it('shows a not-found page for an unknown address', () => {
    stubHealth(200, healthyReport);
    renderApp('/no-such-page');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Page not found');
  });
});
