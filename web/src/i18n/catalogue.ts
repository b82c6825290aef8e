import type { Catalogue, Message, MessageKey, PluralForms } from './messages/en';

export type { Catalogue, Message, MessageKey, PluralForms };

/** The languages the portal speaks, each named in itself so a reader can find their own. */
export const languages = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'he', name: 'עברית', dir: 'rtl' },
  { code: 'el', name: 'Ελληνικά', dir: 'ltr' },
  { code: 'pl', name: 'Polski', dir: 'ltr' },
  { code: 'bg', name: 'Български', dir: 'ltr' },
  { code: 'lv', name: 'Latviešu', dir: 'ltr' },
  { code: 'hu', name: 'Magyar', dir: 'ltr' },
] as const;

export type Language = (typeof languages)[number]['code'];
export type Direction = 'ltr' | 'rtl';
export type Params = Readonly<Record<string, string | number | Date>>;
export type Catalogues = Readonly<Record<Language, Partial<Catalogue>>>;

export const defaultLanguage: Language = 'en';

// Each language's catalogue is its own chunk, fetched when the language is first needed: a
// reader downloads the one they read, not all eight.
const loaders: Readonly<Record<Language, () => Promise<Catalogue>>> = {
  en: () => import('./messages/en').then((m) => m.en),
  ar: () => import('./messages/ar').then((m) => m.ar),
  he: () => import('./messages/he').then((m) => m.he),
  el: () => import('./messages/el').then((m) => m.el),
  pl: () => import('./messages/pl').then((m) => m.pl),
  bg: () => import('./messages/bg').then((m) => m.bg),
  lv: () => import('./messages/lv').then((m) => m.lv),
  hu: () => import('./messages/hu').then((m) => m.hu),
};

const loaded: Record<Language, Partial<Catalogue>> = { en: {}, ar: {}, he: {}, el: {}, pl: {}, bg: {}, lv: {}, hu: {} };
const loading = new Map<Language, Promise<void>>();

/** The catalogues fetched so far (a language not fetched yet is empty). */
export const catalogues: Catalogues = loaded;

/** Fetches a language's catalogue once; resolves when translate can use it. */
export function loadCatalogue(language: Language): Promise<void> {
  let pending = loading.get(language);
  if (!pending) {
    pending = loaders[language]().then((catalogue) => {
      loaded[language] = catalogue;
    });
    // A failed fetch is tried again the next time the language is asked for.
    pending.catch(() => loading.delete(language));
    loading.set(language, pending);
  }
  return pending;
}

/** Forgets a fetched catalogue, so a test can watch the language arrive again. */
export function unloadCatalogue(language: Language): void {
  loaded[language] = {};
  loading.delete(language);
}

export function isCatalogueLoaded(language: Language): boolean {
  return Object.keys(loaded[language]).length > 0;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && languages.some((l) => l.code === value);
}

/** Whether a key is in the catalogue (every catalogue has every key, so any one fetched tells). */
export function isMessageKey(value: string): value is MessageKey {
  return Object.values(loaded).some((catalogue) => Object.hasOwn(catalogue, value));
}

export function directionOf(language: Language): Direction {
  return languages.find((l) => l.code === language)?.dir ?? 'ltr';
}

/**
 * The message for a key in a language, with `{name}` placeholders filled from params. A key the
 * language lacks falls back to English (when its catalogue is fetched); a key nobody defines comes
 * back as itself, so a gap shows on screen instead of an empty space.
 */
export function translate(
  language: Language,
  key: MessageKey,
  params?: Params,
  source: Catalogues = catalogues,
): string {
  const message: Message = source[language]?.[key] ?? source.en?.[key] ?? key;
  // A fallback to English counts in English: its forms follow English rules.
  const rulesLanguage = source[language]?.[key] !== undefined ? language : defaultLanguage;
  const template = typeof message === 'string' ? message : pluralForm(message, rulesLanguage, params?.count);
  return params ? interpolate(template, language, params) : template;
}

const pluralRules = new Map<Language, Intl.PluralRules>();

/** The CLDR plural category of a count in a language (Arabic 10 → "few", 11 → "many", Polish 22 → "few"). */
export function pluralCategory(language: Language, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  return rules.select(count);
}

/** The categories a language distinguishes, as the catalogue must give them for every message that counts. */
export function pluralCategories(language: Language): readonly Intl.LDMLPluralRule[] {
  return new Intl.PluralRules(language).resolvedOptions().pluralCategories;
}

/**
 * The form of a counting message for its `count` parameter. The count must be a number (the
 * message formats it); without one the general "other" form is used.
 */
function pluralForm(forms: PluralForms, language: Language, count: Params[string] | undefined): string {
  if (typeof count !== 'number' || !Number.isFinite(count)) {
    return forms.other;
  }
  return forms[pluralCategory(language, count)] ?? forms.other;
}

function interpolate(template: string, language: Language, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) {
      return placeholder;
    }
    if (typeof value === 'number') {
      return formatNumber(value, language);
    }
    if (value instanceof Date) {
      return formatDateTime(value, language);
    }
    return value;
  });
}

export function formatNumber(value: number, language: Language, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(language, options).format(value);
}

export function formatDateTime(
  value: Date,
  language: Language,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' },
): string {
  return new Intl.DateTimeFormat(language, options).format(value);
}

export function formatTime(value: Date, language: Language): string {
  return new Intl.DateTimeFormat(language, { timeStyle: 'medium' }).format(value);
}

export const languageStorageKey = 'innovation-network.language';

/**
 * The language to start in: the reader's earlier choice, else the first of the browser's
 * languages the portal speaks, else English.
 */
export function preferredLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (isLanguage(stored)) {
    return stored;
  }
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    // "iw" is the old code for Hebrew that some systems still report.
    const code = base === 'iw' ? 'he' : base;
    if (isLanguage(code)) {
      return code;
    }
  }
  return defaultLanguage;
}

export function readStoredLanguage(storage: Pick<Storage, 'getItem'> | undefined = safeLocalStorage()): string | null {
  try {
    return storage?.getItem(languageStorageKey) ?? null;
  } catch {
    return null;
  }
}

export function storeLanguage(language: Language, storage: Pick<Storage, 'setItem'> | undefined = safeLocalStorage()): void {
  try {
    storage?.setItem(languageStorageKey, language);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this visit only.
  }
}

/** Sets `<html lang dir>` so assistive technology, fonts and the logical CSS follow the language. */
export function applyLanguage(language: Language, root: HTMLElement = document.documentElement): void {
  root.lang = language;
  root.dir = directionOf(language);
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
