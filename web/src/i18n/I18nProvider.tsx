import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  applyLanguage,
  defaultLanguage,
  directionOf,
  formatDateTime,
  formatNumber,
  formatTime,
  isCatalogueLoaded,
  loadCatalogue,
  storeLanguage,
  translate,
  type Direction,
  type Language,
  type MessageKey,
  type Params,
} from './catalogue';

export interface I18n {
  language: Language;
  direction: Direction;
  t: (key: MessageKey, params?: Params) => string;
  formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string;
  formatDateTime: (value: Date, options?: Intl.DateTimeFormatOptions) => string;
  formatTime: (value: Date) => string;
  setLanguage: (language: Language) => void;
}

const I18nContext = createContext<I18n | null>(null);

/**
 * The reader's language for everything below. Nothing renders until its catalogue has arrived (a
 * page never shows message keys); a language chosen later takes effect once its catalogue has.
 */
export function I18nProvider({ initialLanguage, children }: { initialLanguage: Language; children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [ready, setReady] = useState(() => isCatalogueLoaded(initialLanguage));
  // The language asked for last: a slower catalogue asked for earlier does not win.
  const requested = useRef(initialLanguage);

  useEffect(() => {
    if (ready) return;
    // Without the reader's catalogue (offline, say), English is the next best.
    loadCatalogue(initialLanguage)
      .catch(() => loadCatalogue(defaultLanguage))
      .catch(() => undefined)
      .then(() => setReady(true));
  }, []);

  // Layout effect: the document's lang and dir change in the same frame as the text does.
  useLayoutEffect(() => applyLanguage(language), [language]);

  const value = useMemo<I18n>(
    () => ({
      language,
      direction: directionOf(language),
      t: (key, params) => translate(language, key, params),
      formatNumber: (n, options) => formatNumber(n, language, options),
      formatDateTime: (d, options) => formatDateTime(d, language, options),
      formatTime: (d) => formatTime(d, language),
      setLanguage: (next) => {
        requested.current = next;
        const apply = () => {
          if (requested.current !== next) return;
          storeLanguage(next);
          setLanguageState(next);
        };
        if (isCatalogueLoaded(next)) {
          apply();
        } else {
          // A catalogue that cannot be fetched leaves the page in its language.
          loadCatalogue(next).then(apply, () => undefined);
        }
      },
    }),
    [language],
  );

  return ready ? <I18nContext.Provider value={value}>{children}</I18nContext.Provider> : null;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) {
    throw new Error('useI18n must be used inside <I18nProvider>');
  }
  return i18n;
}
