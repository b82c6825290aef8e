import { describe, expect, it } from 'vitest';
import {
  applyLanguage,
  catalogues,
  directionOf,
  formatDateTime,
  formatNumber,
  languages,
  pluralCategories,
  pluralCategory,
  languageStorageKey,
  preferredLanguage,
  readStoredLanguage,
  storeLanguage,
  translate,
  type Catalogues,
  type PluralForms,
} from './catalogue';
import { en } from './messages/en';

describe('translate', () => {
  it('returns the message in the requested language', () => {
    expect(translate('en', 'home.title')).toBe('Innovation Network');
    expect(translate('ar', 'home.title')).toBe('شبكة الابتكار');
    expect(translate('he', 'home.title')).toBe('רשת החדשנות');
    expect(translate('el', 'home.title')).toBe('Δίκτυο Καινοτομίας');
    expect(translate('pl', 'home.title')).toBe('Sieć Innowacji');
  });

  it('falls back to English when a language lacks the key', () => {
    const partial: Catalogues = { ...catalogues, pl: { 'nav.home': 'Strona główna' } };
    expect(translate('pl', 'nav.home', undefined, partial)).toBe('Strona główna');
    expect(translate('pl', 'nav.library', undefined, partial)).toBe('Library');
  });

  it('returns the key itself when no catalogue defines it', () => {
    const empty = Object.fromEntries(languages.map((l) => [l.code, {}])) as unknown as Catalogues;
    expect(translate('hu', 'nav.home', undefined, { ...empty, en: {} })).toBe('nav.home');
    expect(translate('hu', 'no.such.key' as keyof typeof en)).toBe('no.such.key');
  });

  it('fills placeholders and formats numbers in the reader’s locale', () => {
    const text = translate('ar', 'track.cohorts.summary', { min: 25, max: 40 });
    expect(text).toContain(new Intl.NumberFormat('ar').format(25));
    expect(text).toContain(new Intl.NumberFormat('ar').format(40));
    expect(text).not.toContain('{min}');
    expect(translate('en', 'status.checkedAt', { time: '10:00' })).toBe('Checked at 10:00');
  });

  it('leaves a placeholder without a value visible', () => {
    expect(translate('en', 'status.checkedAt', {})).toBe('Checked at {time}');
  });
});

describe('catalogues', () => {
  it.each(languages.map((l) => l.code))('%s defines every English key with a non-empty message', (code) => {
    const catalogue = catalogues[code];
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(catalogue[key], `${code} ${key}`).toBeTruthy();
    }
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(languages.map((l) => l.code))('%s keeps the placeholders of the English messages', (code) => {
    for (const [key, english] of Object.entries(en)) {
      const message = catalogues[code][key as keyof typeof en] ?? '';
      if (typeof english === 'string') {
        expect(typeof message, `${code} ${key}`).toBe('string');
        expect(placeholders(message as string), `${code} ${key}`).toEqual(placeholders(english));
      } else {
        // A counting message: the general form keeps every placeholder; a form for one or two
        // may spell the number out ("مقعد واحد") but adds none of its own.
        const forms = message as PluralForms;
        expect(placeholders(forms.other), `${code} ${key} other`).toEqual(placeholders(english.other));
        for (const [category, form] of Object.entries(forms)) {
          for (const name of placeholders(form)) {
            expect(placeholders(english.other), `${code} ${key} ${category}`).toContain(name);
          }
        }
      }
    }
  });

  it.each(languages.map((l) => l.code))('%s gives every counting message exactly the plural forms its language uses', (code) => {
    const counting = Object.entries(en).filter(([, english]) => typeof english !== 'string');
    expect(counting.length).toBeGreaterThan(10);
    for (const [key] of counting) {
      const forms = catalogues[code][key as keyof typeof en] as PluralForms;
      expect(Object.keys(forms).sort(), `${code} ${key}`).toEqual([...pluralCategories(code)].sort());
      for (const form of Object.values(forms)) {
        expect(form.trim(), `${code} ${key}`).not.toBe('');
      }
    }
  });
});

function placeholders(text: string): string[] {
  return (text.match(/\{\w+\}/g) ?? []).sort();
}

describe('plural forms', () => {
  it('picks the Arabic form for the number: 10 seats take the form for 3 to 10, 11 the form for 11 to 99', () => {
    expect(pluralCategory('ar', 10)).toBe('few');
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 10 })).toBe(`بقيت ${formatNumber(10, 'ar')} مقاعد`);
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 11 })).toBe(`بقي ${formatNumber(11, 'ar')} مقعدًا`);
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 100 })).toBe(`بقي ${formatNumber(100, 'ar')} مقعد`);
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 1 })).toBe('بقي مقعد واحد');
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 2 })).toBe('بقي مقعدان');
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 0 })).toBe('لم يبقَ أي مقعد');
  });

  it('follows each language’s own rules', () => {
    expect(translate('en', 'ws.invite.seatsLeft', { count: 1 })).toBe('1 seat left');
    expect(translate('en', 'ws.invite.seatsLeft', { count: 25 })).toBe('25 seats left');
    expect(translate('pl', 'ws.invite.seatsLeft', { count: 22 })).toBe('Zostały 22 miejsca');
    expect(translate('pl', 'ws.invite.seatsLeft', { count: 25 })).toBe('Zostało 25 miejsc');
    expect(translate('he', 'ws.invite.seatsLeft', { count: 2 })).toBe('נותרו שני מקומות');
    expect(translate('lv', 'ws.invite.seatsLeft', { count: 21 })).toBe('Brīva 21 vieta');
    expect(translate('el', 'ws.campaign.reminderIs', { count: 1 })).toBe('Η υπενθύμιση στέλνεται 1 ημέρα νωρίτερα.');
  });

  it('uses the general form when the count is not a number', () => {
    expect(translate('en', 'ws.invite.seatsLeft', { count: 'several' })).toBe('several seats left');
  });

  it('counts in English when a language lacks the message', () => {
    const partial: Catalogues = { ...catalogues, ar: {} };
    expect(translate('ar', 'ws.invite.seatsLeft', { count: 1 }, partial)).toBe(`${formatNumber(1, 'ar')} seat left`);
  });
});

describe('formatting', () => {
  it('formats numbers and dates with Intl in the given language', () => {
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
    expect(formatNumber(1234.5, 'el')).toBe(new Intl.NumberFormat('el').format(1234.5));
    const date = new Date(Date.UTC(2022, 8, 13, 9, 30));
    expect(formatDateTime(date, 'pl', { dateStyle: 'long', timeZone: 'UTC' })).toBe('13 września 2022');
  });
});

describe('language preference', () => {
  it('prefers a stored choice, then the browser languages, then English', () => {
    expect(preferredLanguage('he', ['pl-PL'])).toBe('he');
    expect(preferredLanguage(null, ['fr-FR', 'pl-PL', 'en'])).toBe('pl');
    expect(preferredLanguage('xx', ['ar-AE'])).toBe('ar');
    expect(preferredLanguage(null, ['iw-IL'])).toBe('he');
    expect(preferredLanguage(null, ['fr', 'de'])).toBe('en');
  });

  it('round-trips the choice through storage', () => {
    storeLanguage('lv');
    expect(localStorage.getItem(languageStorageKey)).toBe('lv');
    expect(readStoredLanguage()).toBe('lv');
  });

  it('survives storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(readStoredLanguage(broken)).toBeNull();
    expect(() => storeLanguage('hu', broken)).not.toThrow();
  });

  it('sets lang and dir on the root element', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('he')).toBe('rtl');
    expect(directionOf('bg')).toBe('ltr');
    applyLanguage('he');
    expect(document.documentElement.lang).toBe('he');
    expect(document.documentElement.dir).toBe('rtl');
    applyLanguage('el');
    expect(document.documentElement.lang).toBe('el');
    expect(document.documentElement.dir).toBe('ltr');
  });
});
