import { act, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { languages, loadCatalogue, unloadCatalogue, type Language } from './catalogue';
import { I18nProvider, useI18n } from './I18nProvider';

afterEach(async () => {
  await Promise.all(languages.map((l) => loadCatalogue(l.code)));
});

function Probe() {
  const { t, setLanguage } = useI18n();
  return (
    <>
      <h1>{t('home.title')}</h1>
      {(['hu', 'en'] as Language[]).map((l) => (
        <button key={l} type="button" onClick={() => setLanguage(l)}>
          {l}
        </button>
      ))}
    </>
  );
}

describe('I18nProvider', () => {
  it('renders nothing until the reader’s catalogue has arrived, so no key ever shows', async () => {
    unloadCatalogue('bg');
    const { container } = render(
      <I18nProvider initialLanguage="bg">
        <Probe />
      </I18nProvider>,
    );
    expect(container.textContent).toBe('');
    expect(await screen.findByRole('heading', { name: 'Мрежа за иновации' })).toBeTruthy();
  });

  it('switches once the new language’s catalogue has arrived, and the language asked for last wins', async () => {
    render(
      <I18nProvider initialLanguage="en">
        <Probe />
      </I18nProvider>,
    );
    unloadCatalogue('hu');
    fireEvent.click(screen.getByRole('button', { name: 'hu' }));
    expect(screen.getByRole('heading').textContent).toBe('Innovation Network');
    expect(await screen.findByRole('heading', { name: 'Innovációs Hálózat' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('hu');

    unloadCatalogue('hu');
    fireEvent.click(screen.getByRole('button', { name: 'en' }));
    fireEvent.click(screen.getByRole('button', { name: 'hu' }));
    fireEvent.click(screen.getByRole('button', { name: 'en' }));
    await act(() => loadCatalogue('hu'));
    expect(screen.getByRole('heading').textContent).toBe('Innovation Network');
    expect(document.documentElement.lang).toBe('en');
  });
});
