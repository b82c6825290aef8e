import { useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { problemText } from '../../components/problems';
import { textIn } from '../../components/texts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { PersonalLinkStatus, usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import { answerReview, getReview, tokenHeader, verdictFromLocation, type ReviewPage as Page, type ReviewRequest } from './api';
import { assignmentLabel, problemMessage } from './labels';
import './nominations.css';

/**
 * The review page behind a reviewer's emailed link. Opening it changes nothing; the reviewer
 * scores each criterion (or approves or rejects in a pass/fail call) and sends, or declines, or
 * declares a conflict — each a POST from this page.
 */
export function ReviewPage() {
  const { t, language, formatDateTime } = useI18n();
  const link = usePersonalLink<Page>({
    missing: () => t('nom.problem.token_invalid'),
    load: getReview,
    refusal: (error) => problemText(error, t, problemMessage),
  });
  const [scores, setScores] = useState<Record<string, number>>({});
  const [verdict, setVerdict] = useState<'approve' | 'reject' | null>(() => verdictFromLocation());
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const failure = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  if (link.state.kind !== 'ready') {
    return <PersonalLinkStatus state={link.state} title={t('nom.review.title')} refusedTitle={t('nom.review.refused')} loadingText={t('nom.loading')} />;
  }

  const page = link.state.page;
  const token = link.token;
  const fields: Record<string, string> = { comment: 'review-comment', verdict: 'review-verdict', conflictReason: 'review-reason', action: 'review-comment' };
  for (const c of page.criteria) fields[`scores.${c.id}`] = `review-${c.id}`;

  const act = async (body: ReviewRequest) => {
    setBusy(true);
    try {
      const result = await answerReview(token, body);
      failure.clear();
      link.show(result);
    } catch (error) {
      failure.fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  const download = async (attachmentId: string, fileName: string) => {
    const response = await fetch(`/api/nominations/review/attachments/${encodeURIComponent(attachmentId)}`, { headers: { [tokenHeader]: token }, credentials: 'same-origin' });
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    URL.revokeObjectURL(url);
  };

  const answered = page.status !== 'assigned';
  const scale = Array.from({ length: page.scaleMax }, (_, i) => i + 1);
  const radioGroup = (id: string, legend: string, options: { value: string; label: string }[], checked: string | null, onPick: (v: string) => void) => (
    <fieldset key={id} class="form-group" id={id} tabIndex={-1} aria-describedby={failure.fieldErrors[id] ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {failure.fieldErrors[id] && (
        <p class="form-field__error" id={`${id}-error`}>
          {failure.fieldErrors[id]}
        </p>
      )}
      <div class="nom-scale">
        {options.map((o) => (
          <div class="checkbox" key={o.value}>
            <input id={`${id}-${o.value}`} type="radio" name={id} value={o.value} checked={checked === o.value} onChange={() => onPick(o.value)} />
            <label for={`${id}-${o.value}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );

  return (
    <>
      <PageHeading>{t('nom.review.title')}</PageHeading>
      <p class="lead">
        {page.nominationTitle} — {textIn(page.callTitles, language)}
      </p>
      <p>{t('nom.review.deadline', { date: formatDateTime(new Date(page.deadline), { dateStyle: 'long', timeStyle: 'short' }) })}</p>
      <dl class="nom-details">
        <dt>{t('nom.field.goals')}</dt>
        <dd dir="auto">{page.goals}</dd>
        <dt>{t('nom.field.expectedImpact')}</dt>
        <dd dir="auto">{page.expectedImpact}</dd>
        <dt>{t('nom.field.feasibility')}</dt>
        <dd dir="auto">{page.feasibility}</dd>
        <dt>{t('nom.field.team')}</dt>
        <dd dir="auto">{page.team}</dd>
      </dl>
      {page.attachments.length > 0 && (
        <section aria-labelledby="review-attachments-heading">
          <h2 id="review-attachments-heading">{t('nom.attachments.heading')}</h2>
          <ul class="nom-attachments">
            {page.attachments.map((a) => (
              <li key={a.id}>
                <button type="button" class="button button--secondary button--small" onClick={() => void download(a.id, a.fileName)}>
                  {t('nom.attachments.download', { name: a.fileName })}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {answered ? (
        <p class="notice" role="status" id="review-done">
          {t('nom.review.done', { status: assignmentLabel(t, page.status) })}
        </p>
      ) : (
        <>
          <ErrorSummary errors={failure.summary} attempt={failure.attempt} />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void act(page.passFail ? { action: 'submit', verdict: verdict ?? undefined, comment } : { action: 'submit', scores, comment });
            }}
            noValidate
          >
            <h2>{t('nom.review.yourReview')}</h2>
            {page.passFail
              ? radioGroup(
                  'review-verdict',
                  t('nom.review.verdict'),
                  [
                    { value: 'approve', label: t('nom.review.approve') },
                    { value: 'reject', label: t('nom.review.reject') },
                  ],
                  verdict,
                  (v) => setVerdict(v as 'approve' | 'reject'),
                )
              : page.criteria.map((c) =>
                  radioGroup(
                    `review-${c.id}`,
                    `${textIn(c.labels, language)} (${t('nom.review.weight', { weight: c.weight })})`,
                    scale.map((n) => ({ value: String(n), label: String(n) })),
                    scores[c.id] ? String(scores[c.id]) : null,
                    (v) => setScores({ ...scores, [c.id]: Number(v) }),
                  ),
                )}
            <FormField id="review-comment" label={t('nom.review.comment')} hint={t('nom.review.commentHint')} optional error={failure.fieldErrors['review-comment']}>
              {(c) => <textarea {...c} class="input" rows={5} maxLength={4000} dir="auto" value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
            </FormField>
            <div class="button-row">
              <button type="submit" class="button" disabled={busy}>
                {t('nom.review.send')}
              </button>
            </div>
          </form>
          <section aria-labelledby="review-other-heading">
            <h2 id="review-other-heading">{t('nom.review.otherHeading')}</h2>
            <p>{t('nom.review.otherIntro')}</p>
            <FormField id="review-reason" label={t('nom.review.conflictReason')} optional error={failure.fieldErrors['review-reason']}>
              {(c) => <textarea {...c} class="input" rows={3} maxLength={1000} dir="auto" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
            </FormField>
            <div class="button-row">
              <button type="button" class="button button--secondary" disabled={busy} onClick={() => void act({ action: 'conflict', conflictReason: reason })}>
                {t('nom.review.declareConflict')}
              </button>
              <button type="button" class="button button--secondary" disabled={busy} onClick={() => void act({ action: 'decline' })}>
                {t('nom.review.decline')}
              </button>
            </div>
          </section>
        </>
      )}
    </>
  );
}
