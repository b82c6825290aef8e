import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { localInputToIso } from '../../components/inputs';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import { boardPath, createCall, listReviewers, nominationsPath, numberOrNull, type PanelCandidate } from './api';
import { problemMessage } from './labels';
import './nominations.css';

interface CriterionRow {
  id: string;
  label: string;
  weight: string;
}


/** A new call for nominations: dates, weighted criteria on a scale (or pass/fail), the reviewer panel and the selection rules. */
export function CallFormPage() {
  const { t, language } = useI18n();
  const [title, setTitle] = useState('');
  const [otherLanguage, setOtherLanguage] = useState(language === 'en' ? 'ar' : 'en');
  const [otherTitle, setOtherTitle] = useState('');
  const [description, setDescription] = useState('');
  const [opens, setOpens] = useState('');
  const [closes, setCloses] = useState('');
  const [deadline, setDeadline] = useState('');
  // The usual criteria of an expert panel, in the reader's language; the texts are stored under it.
  const [criteria, setCriteria] = useState<CriterionRow[]>(() => [
    { id: 'clarity', label: t('nom.call.default.clarity'), weight: '2' },
    { id: 'impact', label: t('nom.call.default.impact'), weight: '2' },
    { id: 'feasibility', label: t('nom.call.default.feasibility'), weight: '1' },
  ]);
  const [scale, setScale] = useState('5');
  const [passFail, setPassFail] = useState(false);
  const [panel, setPanel] = useState<string[]>([]);
  const [candidates, setCandidates] = useState<PanelCandidate[] | null>(null);
  const [perNomination, setPerNomination] = useState('3');
  const [threshold, setThreshold] = useState('60');
  const [shareComments, setShareComments] = useState(false);
  const failure = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    listReviewers()
      .then(setCandidates)
      .catch((error: unknown) => failure.show({ summary: [{ message: describeError(error, t) }], fieldErrors: {} }));
  }, []);

  const fields: Record<string, string> = {
    titles: 'call-title',
    [`titles.${language}`]: 'call-title',
    [`titles.${otherLanguage}`]: 'call-title-other',
    [`descriptions.${language}`]: 'call-description',
    opensAt: 'call-opens',
    closesAt: 'call-closes',
    reviewDeadline: 'call-deadline',
    criteria: 'call-criteria',
    scaleMax: 'call-scale',
    reviewers: 'call-reviewers',
    declaredConflicts: 'call-reviewers',
    reviewsPerNomination: 'call-per',
    threshold: 'call-threshold',
  };
  criteria.forEach((_, i) => {
    fields[`criteria[${i}].id`] = `crit-${i}-id`;
    fields[`criteria[${i}].labels`] = `crit-${i}-label`;
    fields[`criteria[${i}].labels.${language}`] = `crit-${i}-label`;
    fields[`criteria[${i}].weight`] = `crit-${i}-weight`;
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const titles: Record<string, string> = { [language]: title };
      if (otherTitle.trim()) titles[otherLanguage] = otherTitle;
      const call = await createCall({
        titles,
        descriptions: description.trim() ? { [language]: description } : {},
        opensAt: localInputToIso(opens),
        closesAt: localInputToIso(closes),
        reviewDeadline: localInputToIso(deadline),
        criteria: passFail ? [] : criteria.map((c) => ({ id: c.id.trim(), labels: { [language]: c.label }, weight: numberOrNull(c.weight) })),
        scaleMax: numberOrNull(scale),
        passFail,
        reviewers: panel,
        reviewsPerNomination: numberOrNull(perNomination),
        threshold: numberOrNull(threshold),
        shareComments,
      });
      navigate(boardPath(call.id));
    } catch (error) {
      failure.fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  const setRow = (i: number, change: Partial<CriterionRow>) => setCriteria(criteria.map((c, j) => (j === i ? { ...c, ...change } : c)));
  const err = (id: string) => failure.fieldErrors[id];

  return (
    <>
      <PageHeading>{t('nom.call.title')}</PageHeading>
      <ErrorSummary errors={failure.summary} attempt={failure.attempt} />
      <form onSubmit={submit} noValidate>
        <FormField id="call-title" label={t('nom.call.name')} error={err('call-title')}>
          {(c) => <input {...c} class="input" type="text" maxLength={200} dir="auto" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </FormField>
        <FormField id="call-other-language" label={t('nom.call.otherLanguage')}>
          {(c) => (
            <select {...c} class="input" value={otherLanguage} onChange={(e) => setOtherLanguage(e.currentTarget.value)}>
              <LanguageOptions except={language} />
            </select>
          )}
        </FormField>
        <FormField id="call-title-other" label={t('nom.call.otherName')} optional error={err('call-title-other')}>
          {(c) => <input {...c} class="input" type="text" maxLength={200} dir="auto" value={otherTitle} onInput={(e) => setOtherTitle(e.currentTarget.value)} />}
        </FormField>
        <FormField id="call-description" label={t('nom.call.description')} optional error={err('call-description')}>
          {(c) => <textarea {...c} class="input" rows={4} maxLength={4000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </FormField>
        <FormField id="call-opens" label={t('nom.call.opens')} error={err('call-opens')}>
          {(c) => <input {...c} class="input" type="datetime-local" value={opens} onInput={(e) => setOpens(e.currentTarget.value)} />}
        </FormField>
        <FormField id="call-closes" label={t('nom.call.closes')} error={err('call-closes')}>
          {(c) => <input {...c} class="input" type="datetime-local" value={closes} onInput={(e) => setCloses(e.currentTarget.value)} />}
        </FormField>
        <FormField id="call-deadline" label={t('nom.call.deadline')} error={err('call-deadline')}>
          {(c) => <input {...c} class="input" type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />}
        </FormField>
        <div class="checkbox">
          <input id="call-pass-fail" type="checkbox" checked={passFail} onChange={(e) => setPassFail(e.currentTarget.checked)} />
          <label for="call-pass-fail">{t('nom.call.passFail')}</label>
        </div>
        {!passFail && (
          <fieldset class="form-group" id="call-criteria" tabIndex={-1}>
            <legend>{t('nom.call.criteria')}</legend>
            {err('call-criteria') && <p class="form-field__error">{err('call-criteria')}</p>}
            {criteria.map((row, i) => (
              <div key={i} class="nom-criterion">
                <FormField id={`crit-${i}-label`} label={t('nom.call.criterionLabel', { n: i + 1 })} error={err(`crit-${i}-label`)}>
                  {(c) => <input {...c} class="input" type="text" maxLength={200} value={row.label} onInput={(e) => setRow(i, { label: e.currentTarget.value })} />}
                </FormField>
                <FormField id={`crit-${i}-id`} label={t('nom.call.criterionId', { n: i + 1 })} error={err(`crit-${i}-id`)}>
                  {(c) => <input {...c} class="input" type="text" dir="ltr" maxLength={40} value={row.id} onInput={(e) => setRow(i, { id: e.currentTarget.value })} />}
                </FormField>
                <FormField id={`crit-${i}-weight`} label={t('nom.call.criterionWeight', { n: i + 1 })} error={err(`crit-${i}-weight`)}>
                  {(c) => <input {...c} class="input" type="number" min={0} step="any" value={row.weight} onInput={(e) => setRow(i, { weight: e.currentTarget.value })} />}
                </FormField>
                <button type="button" class="button button--secondary button--small" onClick={() => setCriteria(criteria.filter((_, j) => j !== i))}>
                  {t('nom.call.removeCriterion', { n: i + 1 })}
                </button>
              </div>
            ))}
            <button type="button" class="button button--secondary" onClick={() => setCriteria([...criteria, { id: '', label: '', weight: '1' }])}>
              {t('nom.call.addCriterion')}
            </button>
          </fieldset>
        )}
        {!passFail && (
          <FormField id="call-scale" label={t('nom.call.scale')} hint={t('nom.call.scaleHint')} error={err('call-scale')}>
            {(c) => <input {...c} class="input" type="number" min={2} max={10} value={scale} onInput={(e) => setScale(e.currentTarget.value)} />}
          </FormField>
        )}
        <fieldset class="form-group" id="call-reviewers" tabIndex={-1}>
          <legend>{t('nom.call.panel')}</legend>
          {err('call-reviewers') && <p class="form-field__error">{err('call-reviewers')}</p>}
          {candidates === null && <p role="status">{t('nom.loading')}</p>}
          {candidates?.length === 0 && <p>{t('nom.call.noReviewers')}</p>}
          {candidates?.map((p) => (
            <div class="checkbox" key={p.id}>
              <input
                id={`call-reviewer-${p.id}`}
                type="checkbox"
                checked={panel.includes(p.id)}
                onChange={(e) => setPanel(e.currentTarget.checked ? [...panel, p.id] : panel.filter((id) => id !== p.id))}
              />
              <label for={`call-reviewer-${p.id}`}>
                {p.name} <span dir="ltr">({p.email})</span>
              </label>
            </div>
          ))}
        </fieldset>
        <FormField id="call-per" label={t('nom.call.perNomination')} error={err('call-per')}>
          {(c) => <input {...c} class="input" type="number" min={1} max={10} value={perNomination} onInput={(e) => setPerNomination(e.currentTarget.value)} />}
        </FormField>
        <FormField id="call-threshold" label={t('nom.call.threshold')} hint={t('nom.call.thresholdHint')} error={err('call-threshold')}>
          {(c) => <input {...c} class="input" type="number" min={0} max={100} value={threshold} onInput={(e) => setThreshold(e.currentTarget.value)} />}
        </FormField>
        <div class="checkbox">
          <input id="call-share" type="checkbox" checked={shareComments} onChange={(e) => setShareComments(e.currentTarget.checked)} />
          <label for="call-share">{t('nom.call.shareComments')}</label>
        </div>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('nom.call.create')}
          </button>
        </div>
      </form>
      <p>
        <Link href={nominationsPath}>{t('nom.form.back')}</Link>
      </p>
    </>
  );
}
