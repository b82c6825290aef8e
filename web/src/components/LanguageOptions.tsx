import { languages } from '../i18n/catalogue';

/**
 * The portal's languages as the options of a select, each named in its own language (and marked
 * with it for screen readers); `except` leaves one out (the language a text is already given in).
 */
export function LanguageOptions({ except }: { except?: string }) {
  return (
    <>
      {languages
        .filter((l) => l.code !== except)
        .map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
    </>
  );
}
