import { createContext, type ComponentChildren } from 'preact';
import { useContext, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import {
  applyLanguage,
  directionOf,
  formatDateTime,
  formatNumber,
  formatTime,
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

export function I18nProvider({ initialLanguage, children }: { initialLanguage: Language; children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

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
        storeLanguage(next);
        setLanguageState(next);
      },
    }),
    [language],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) {
    throw new Error('useI18n must be used inside <I18nProvider>');
  }
  return i18n;
}
