import { useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { useI18n } from '../../i18n/I18nProvider';
import { isLanguage } from '../../i18n/catalogue';
import { CodedApiError, send } from '../../session/request';
import { PageHeading } from '../../shell/PageHeading';
import { looksLikeEmail } from '../auth/SignInPage';

const ids = { name: 'newsletter-name', email: 'newsletter-email', language: 'newsletter-language' } as const;

/** The public sign-up: work addresses of member organisations only, confirmed by email. */
export function NewsletterPage() {
  const { t, language } = useI18n();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [chosen, setChosen] = useState<string>(language);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);

  const fail = (errors: SummaryError[], fields: Record<string, string> = {}) => {
    setFieldErrors(fields);
    setSummary(errors);
    setAttempt((n) => n + 1);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (name.trim() === '') local[ids.name] = t('newsletter.nameRequired');
    if (!looksLikeEmail(email)) local[ids.email] = t('signIn.emailInvalid');
    if (Object.keys(local).length > 0) {
      fail(Object.entries(local).map(([fieldId, message]) => ({ fieldId, message })), local);
      return;
    }
    setBusy(true);
    try {
      await send('POST', '/api/public/newsletter', { json: { email: email.trim(), name: name.trim(), language: chosen } });
      setSummary([]);
      setFieldErrors({});
      setSent(true);
    } catch (error) {
      if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
        const mapped = mapProblemErrors(error.errors, ids);
        fail(mapped.summary, mapped.fieldErrors);
      } else if (error instanceof CodedApiError && error.status === 429) {
        fail([{ message: t('signIn.rateLimited') }]);
      } else {
        fail([{ message: describeError(error, t) }]);
      }
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <>
        <PageHeading>{t('newsletter.title')}</PageHeading>
        <div class="notice" role="status">
          <p>{t('newsletter.sent', { email: email.trim() })}</p>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeading>{t('newsletter.title')}</PageHeading>
      <p class="lead">{t('newsletter.intro')}</p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        <FormField id={ids.name} label={t('newsletter.name')} error={fieldErrors[ids.name]}>
          {(c) => <input {...c} class="input" type="text" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </FormField>
        <FormField id={ids.email} label={t('newsletter.email')} hint={t('newsletter.emailHint')} error={fieldErrors[ids.email]}>
          {(c) => (
            <input
              {...c}
              class="input"
              type="email"
              dir="ltr"
              autoComplete="email"
              spellcheck={false}
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          )}
        </FormField>
        <FormField id={ids.language} label={t('newsletter.language')} error={fieldErrors[ids.language]}>
          {(c) => (
            <select {...c} class="input" value={chosen} onChange={(e) => isLanguage(e.currentTarget.value) && setChosen(e.currentTarget.value)}>
              <LanguageOptions />
            </select>
          )}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('newsletter.submit')}
          </button>
        </div>
      </form>
    </>
  );
}
