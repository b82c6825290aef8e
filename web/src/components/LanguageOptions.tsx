import { languages } from '../i18n/catalogue';

/** The portal's languages as the options of a select, each named in its own language (and marked with it for screen readers). */
export function LanguageOptions() {
  return (
    <>
      {languages.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.name}
        </option>
      ))}
    </>
  );
}
