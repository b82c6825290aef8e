import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { fetchProviders, requestSignInLink, type Providers } from '../../session/api';
import { CodedApiError, problemCode } from '../../session/request';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';

const emailId = 'sign-in-email';

/** Looks like an address: the server checks properly; this only catches the obvious slip. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

/**
 * Asks for an emailed sign-in link. The answer is the same for every address, registered or not,
 * so the page never reveals who has an account.
 */
export function SignInPage() {
  const { t, language } = useI18n();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [providers, setProviders] = useState<Providers | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    fetchProviders().then(setProviders, () => setProviders(null));
  }, []);

  const fail = (errors: SummaryError[], field: string | null) => {
    setFieldError(field);
    setSummary(errors);
    setAttempt((n) => n + 1);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!looksLikeEmail(email)) {
      const message = t('signIn.emailInvalid');
      fail([{ fieldId: emailId, message }], message);
      return;
    }
    setBusy(true);
    try {
      await requestSignInLink(email.trim(), language);
      setFieldError(null);
      setSummary([]);
      setSent(true);
    } catch (error) {
      if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
        const mapped = mapProblemErrors(error.errors, { email: emailId });
        fail(mapped.summary, mapped.fieldErrors[emailId] ?? null);
      } else if (problemCode(error) === 'rate_limited' || (error instanceof CodedApiError && error.status === 429)) {
        fail([{ message: t('signIn.rateLimited') }], null);
      } else {
        fail([{ message: describeError(error, t) }], null);
      }
    } finally {
      setBusy(false);
    }
  };

  if (session.me) {
    return (
      <>
        <PageHeading>{t('signIn.title')}</PageHeading>
        <p>{t('signIn.alreadySignedIn', { name: session.me.name })}</p>
        <p>
          <Link href="/">{t('placeholder.backHome')}</Link>
        </p>
      </>
    );
  }

  if (sent) {
    return (
      <>
        <PageHeading>{t('signIn.title')}</PageHeading>
        <div class="notice" role="status">
          <p>{t('signIn.sent')}</p>
        </div>
        <p>{t('signIn.sentHint')}</p>
        <p>
          <button
            type="button"
            class="button button--secondary"
            onClick={() => {
              setSent(false);
              setEmail('');
            }}
          >
            {t('signIn.again')}
          </button>
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeading>{t('signIn.title')}</PageHeading>
      <p class="lead">{t('signIn.intro')}</p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        <FormField id={emailId} label={t('signIn.email')} hint={t('signIn.emailHint')} error={fieldError}>
          {(control) => (
            <input
              {...control}
              class="input"
              type="email"
              name="email"
              autoComplete="email"
              spellcheck={false}
              dir="ltr"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          )}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('signIn.submit')}
          </button>
        </div>
      </form>
      {providers?.oidc && providers.oidcSignInUrl && (
        <section class="sign-in-alternative" aria-labelledby="sign-in-other">
          <h2 id="sign-in-other">{t('signIn.otherHeading')}</h2>
          <p>
            <a class="button button--secondary" href={providers.oidcSignInUrl}>
              {t('signIn.microsoft')}
            </a>
          </p>
        </section>
      )}
    </>
  );
}
