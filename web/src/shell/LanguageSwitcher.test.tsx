import { fireEvent, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { languageStorageKey } from '../i18n/catalogue';
import { healthyReport, renderApp, stubHealth } from '../test/render';

describe('LanguageSwitcher', () => {
  it('has a visible label and one option per language', () => {
    stubHealth(200, healthyReport);
    renderApp();
    const select = screen.getByLabelText('Language') as HTMLSelectElement;
    expect(select.value).toBe('en');
    expect([...select.options].map((o) => o.value)).toEqual(['en', 'ar', 'he', 'el', 'pl', 'bg', 'lv', 'hu']);
  });

  it('switches to Arabic: lang, right-to-left direction, text and the stored choice', async () => {
    stubHealth(200, healthyReport);
    renderApp();
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');

    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'ar' } });

    expect(await screen.findByRole('heading', { level: 1, name: 'شبكة الابتكار' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(localStorage.getItem(languageStorageKey)).toBe('ar');
    expect(screen.getByLabelText('اللغة')).toBeTruthy();
    expect(document.title).toBe('شبكة الابتكار');
  });

  it('switches back to a left-to-right language', async () => {
    stubHealth(200, healthyReport);
    renderApp('/', 'he');
    expect(document.documentElement.dir).toBe('rtl');

    fireEvent.change(screen.getByLabelText('שפה'), { target: { value: 'pl' } });

    expect(await screen.findByRole('heading', { level: 1, name: 'Sieć Innowacji' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('pl');
    expect(document.documentElement.dir).toBe('ltr');
  });
});
