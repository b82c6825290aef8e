import { useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { StatusBadge } from '../../components/StatusBadge';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { CodedApiError } from '../../session/request';
import { PersonalLinkStatus, usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import { getOnboardingPage, submitOnboarding, type OnboardingPage as Page } from './api';
import { failureText, missingLabel, problemMessage, statusLabel, statusTone } from './labels';
import './cohorts.css';

const ids = { jobTitle: 'onb-job-title', bio: 'onb-bio', consent: 'onb-consent', challengeTitle: 'onb-challenge-title', challengeDescription: 'onb-challenge-description' };

/**
 * Where the welcome email's link lands (token in the fragment, sent in a header). Opening it only
 * reads; the participant saves profile, consent and management challenge with one button, as
 * often as they like; with all three the onboarding is complete.
 */
export function OnboardingPage() {
  const { t } = useI18n();
  const link = usePersonalLink<Page>({ missing: () => t('cohort.problem.token_invalid'), load: getOnboardingPage, refusal: (error) => failureText(t, error) });

  if (link.state.kind !== 'ready') {
    return <PersonalLinkStatus state={link.state} title={t('cohort.onb.title')} loadingText={t('cohort.loading')} />;
  }
  return <OnboardingForm token={link.token} initial={link.state.page} />;
}

function OnboardingForm({ token, initial }: { token: string; initial: Page }) {
  const { t } = useI18n();
  const [page, setPage] = useState(initial);
  const [jobTitle, setJobTitle] = useState(initial.jobTitle ?? '');
  const [bio, setBio] = useState(initial.bio ?? '');
  const [consent, setConsent] = useState(initial.consent);
  const [challengeTitle, setChallengeTitle] = useState(initial.challengeTitle ?? '');
  const [challengeDescription, setChallengeDescription] = useState(initial.challengeDescription ?? '');
  const { summary, fieldErrors, attempt, fail, show, clear } = useFormFailure(problemMessage);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const next = await submitOnboarding(token, { jobTitle, bio, consent, challengeTitle, challengeDescription });
      setPage(next);
      clear();
      setSaved(next.status === 'onboarded' ? t('cohort.onb.complete') : t('cohort.onb.saved'));
    } catch (error) {
      if (error instanceof CodedApiError && problemMessage(t, error.code)) {
        show({ summary: [{ message: failureText(t, error) }], fieldErrors: {} });
      } else {
        fail(error, ids);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading>{t('cohort.onb.welcome', { name: page.name })}</PageHeading>
      <p class="lead" dir="auto">
        {t('cohort.onb.intro', { cohort: page.cohortName, programme: page.programmeName })}
      </p>
      <div class="panel">
        <h2 id="onb-status-heading">{t('cohort.onb.status')}</h2>
        <p>
          <StatusBadge label={statusLabel(t, page.status)} tone={statusTone(page.status)} />
        </p>
        {page.missing.length > 0 && <p>{t('cohort.onb.missing', { items: page.missing.map((m) => missingLabel(t, m)).join(', ') })}</p>}
        <p role="status">{saved}</p>
      </div>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        <fieldset class="form-group">
          <legend>{t('cohort.onb.profile')}</legend>
          <FormField id={ids.jobTitle} label={t('cohort.onb.jobTitle')} error={fieldErrors[ids.jobTitle]}>
            {(c) => <input {...c} class="input" type="text" maxLength={200} value={jobTitle} onInput={(e) => setJobTitle(e.currentTarget.value)} />}
          </FormField>
          <FormField id={ids.bio} label={t('cohort.onb.bio')} optional error={fieldErrors[ids.bio]}>
            {(c) => <textarea {...c} class="input" rows={3} value={bio} onInput={(e) => setBio(e.currentTarget.value)} />}
          </FormField>
        </fieldset>
        <fieldset class="form-group">
          <legend>{t('cohort.onb.consentHeading')}</legend>
          <div class="checkbox">
            <input id={ids.consent} type="checkbox" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
            <label for={ids.consent}>{t('cohort.onb.consent')}</label>
          </div>
        </fieldset>
        <fieldset class="form-group">
          <legend>{t('cohort.onb.challenge')}</legend>
          <p class="form-field__hint">{t('cohort.onb.challengeHint')}</p>
          <FormField id={ids.challengeTitle} label={t('cohort.onb.challengeTitle')} error={fieldErrors[ids.challengeTitle]}>
            {(c) => <input {...c} class="input" type="text" maxLength={200} value={challengeTitle} onInput={(e) => setChallengeTitle(e.currentTarget.value)} />}
          </FormField>
          <FormField id={ids.challengeDescription} label={t('cohort.onb.challengeDescription')} error={fieldErrors[ids.challengeDescription]}>
            {(c) => <textarea {...c} class="input" rows={5} value={challengeDescription} onInput={(e) => setChallengeDescription(e.currentTarget.value)} />}
          </FormField>
        </fieldset>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('cohort.onb.save')}
          </button>
        </div>
      </form>
    </>
  );
}
