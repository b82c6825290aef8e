import { useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { problemText } from '../../components/problems';
import { textIn } from '../../components/texts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { PersonalLinkStatus, usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import { formatLocal, getSurvey, submitSurvey, type SurveyPage as Page } from './api';
import { problemMessage, ratingLabel } from './labels';
import './workshops.css';

type Load = Page | 'thanks';

/** The feedback survey behind the link sent to attendees: a rating from 1 to 5 per question and a comment. */
export function SurveyPage() {
  const { t, language } = useI18n();
  const link = usePersonalLink<Load>({
    missing: () => t('ws.problem.token_invalid'),
    load: async (token) => {
      const page = await getSurvey(token);
      return page.submitted ? 'thanks' : page;
    },
    refusal: (error) => problemText(error, t, problemMessage),
  });
  const [ratings, setRatings] = useState<Record<string, number>>({});
  const [comment, setComment] = useState('');
  const { summary, fieldErrors, attempt, fail } = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  if (link.state.kind !== 'ready') {
    return <PersonalLinkStatus state={link.state} title={t('ws.surveyPage.title')} refusedTitle={t('ws.invite.refusedTitle')} loadingText={t('ws.loading')} />;
  }
  if (link.state.page === 'thanks') {
    return (
      <>
        <PageHeading>{t('ws.surveyPage.thanksTitle')}</PageHeading>
        <p class="notice" role="status">
          {t('ws.surveyPage.thanks')}
        </p>
      </>
    );
  }

  const page = link.state.page;
  const token = link.token;
  const fields: Record<string, string> = { comment: 'survey-comment' };
  for (const q of page.questions) fields[`ratings.${q}`] = `survey-${q}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await submitSurvey(token, { ratings, comment });
      link.show('thanks');
    } catch (error) {
      fail(error, fields);
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
