import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useI18n } from '../../i18n/I18nProvider';
import { tokenFromLocation } from '../../session/api';
import { CodedApiError } from '../../session/request';
import { PageHeading } from '../../shell/PageHeading';
import { formatLocal, getSurvey, submitSurvey, textIn, type SurveyPage as Page } from './api';
import { failureOf } from './forms';
import { problemMessage, ratingLabel } from './labels';
import './workshops.css';

type Load = { kind: 'loading' } | { kind: 'ready'; page: Page } | { kind: 'refused'; message: string } | { kind: 'thanks' };

/** The feedback survey behind the link sent to attendees: a rating from 1 to 5 per question and a comment. */
export function SurveyPage() {
  const { t, language } = useI18n();
  const [token] = useState(() => tokenFromLocation());
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [ratings, setRatings] = useState<Record<string, number>>({});
  const [comment, setComment] = useState('');
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (token === '') {
      setLoad({ kind: 'refused', message: t('ws.problem.token_invalid') });
      return;
    }
    getSurvey(token)
      .then((page) => setLoad(page.submitted ? { kind: 'thanks' } : { kind: 'ready', page }))
      .catch((error: unknown) => setLoad({ kind: 'refused', message: (error instanceof CodedApiError && problemMessage(t, error.code)) || describeError(error, t) }));
  }, [token]);

  if (load.kind === 'loading') {
    return (
      <>
        <PageHeading>{t('ws.surveyPage.title')}</PageHeading>
        <p role="status">{t('ws.loading')}</p>
      </>
    );
  }
  if (load.kind === 'refused') {
    return (
      <>
        <PageHeading>{t('ws.invite.refusedTitle')}</PageHeading>
        <p class="notice notice--error">{load.message}</p>
      </>
    );
  }
  if (load.kind === 'thanks') {
    return (
      <>
        <PageHeading>{t('ws.surveyPage.thanksTitle')}</PageHeading>
        <p class="notice" role="status">
          {t('ws.surveyPage.thanks')}
        </p>
      </>
    );
  }

  const page = load.page;
  const fields: Record<string, string> = { comment: 'survey-comment' };
  for (const q of page.questions) fields[`ratings.${q}`] = `survey-${q}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await submitSurvey(token, { ratings, comment });
      setLoad({ kind: 'thanks' });
    } catch (error) {
      const failure = failureOf(error, fields, t);
      setSummary(failure.summary);
      setFieldErrors(failure.fieldErrors);
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading>{t('ws.surveyPage.title')}</PageHeading>
      <p class="lead">
        {textIn(page.sessionTitles, language)} — {textIn(page.seriesTitles, language)}
        <br />
        {formatLocal(page.start, language)} <span dir="ltr">({page.timeZone})</span>
      </p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        {page.questions.map((q) => (
          <fieldset key={q} class="ws-ratings form-group" id={`survey-${q}`} tabIndex={-1} aria-describedby={fieldErrors[`survey-${q}`] ? `survey-${q}-error` : undefined}>
            <legend>{ratingLabel(t, q)}</legend>
            {fieldErrors[`survey-${q}`] && (
              <p class="form-field__error" id={`survey-${q}-error`}>
                {fieldErrors[`survey-${q}`]}
              </p>
            )}
            {[1, 2, 3, 4, 5].map((score) => (
              <div class="checkbox" key={score}>
                <input id={`survey-${q}-${score}`} type="radio" name={`survey-${q}`} value={score} checked={ratings[q] === score} onChange={() => setRatings({ ...ratings, [q]: score })} />
                <label for={`survey-${q}-${score}`}>{t('ws.surveyPage.score', { score })}</label>
              </div>
            ))}
          </fieldset>
        ))}
        <FormField id="survey-comment" label={t('ws.surveyPage.comment')} hint={t('ws.surveyPage.commentHint')} optional error={fieldErrors['survey-comment']}>
          {(c) => <textarea {...c} class="input" rows={5} maxLength={2000} dir="auto" value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('ws.surveyPage.submit')}
          </button>
        </div>
      </form>
    </>
  );
}
