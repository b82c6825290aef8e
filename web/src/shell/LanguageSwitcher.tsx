import { useI18n } from '../i18n/I18nProvider';
import { isLanguage, languages } from '../i18n/catalogue';

/** A labelled native select: keyboard and screen-reader behaviour come from the browser. */
export function LanguageSwitcher() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div class="language-switcher">
      <label for="language-select">{t('language.label')}</label>
      <select
        id="language-select"
        value={language}
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (isLanguage(value)) {
            setLanguage(value);
          }
        }}
      >
        {languages.map((l) => (
          <option key={l.code} value={l.code} lang={l.code} dir={l.dir}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
