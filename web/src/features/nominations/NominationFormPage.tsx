import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { StatusBadge } from '../../components/StatusBadge';
import { textIn } from '../../components/texts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import {
  attachmentUrl,
  createNomination,
  deleteAttachment,
  getCall,
  getNomination,
  nominationPath,
  nominationsPath,
  updateNomination,
  uploadAttachment,
  type Call,
  type Nomination,
  type NominationRequest,
} from './api';
import { nominationLabel, nominationTone, problemMessage } from './labels';
import './nominations.css';

type Load = { kind: 'loading' } | { kind: 'ready'; call: Call; nomination: Nomination | null } | { kind: 'failed'; message: string };

const fields: Record<string, string> = {
  title: 'nom-title',
  goals: 'nom-goals',
  expectedImpact: 'nom-impact',
  feasibility: 'nom-feasibility',
  team: 'nom-team',
  file: 'nom-file',
  fileName: 'nom-file',
};

/** A message for the page a new nomination moves to (a new path is a new page instance). */
let carriedNotice: string | null = null;

const empty: NominationRequest = { title: '', goals: '', expectedImpact: '', feasibility: '', team: '', submit: false };

/** The nomination form: save as a draft, add attachments, submit. After submission it shows what was sent. */
export function NominationFormPage({ callId, nominationId }: { callId: string; nominationId?: string }) {
  const { t, language, formatNumber } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [form, setForm] = useState<NominationRequest>(empty);
  const failure = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(() => {
    const notice = carriedNotice;
    carriedNotice = null;
    return notice;
  });
  const [file, setFile] = useState<File | null>(null);
  const [fileKey, setFileKey] = useState(0);

  useEffect(() => {
    Promise.all([getCall(callId), nominationId ? getNomination(callId, nominationId) : Promise.resolve(null)])
      .then(([call, nomination]) => {
        setLoad({ kind: 'ready', call, nomination });
        if (nomination) setForm({ title: nomination.title, goals: nomination.goals, expectedImpact: nomination.expectedImpact, feasibility: nomination.feasibility, team: nomination.team, submit: false });
      })
      .catch((error: unknown) => setLoad({ kind: 'failed', message: describeError(error, t) }));
  }, [callId, nominationId]);

  if (load.kind === 'loading') return <p role="status">{t('nom.loading')}</p>;
  if (load.kind === 'failed') {
    return (
      <>
        <PageHeading>{t('nom.form.title')}</PageHeading>
        <p class="notice notice--error">{load.message}</p>
      </>
    );
  }

  const { call, nomination } = load;
  const fail = (error: unknown) => {
    failure.fail(error, fields);
  };

  const save = async (submit: boolean) => {
    setBusy(true);
    setSaved(null);
    try {
      const body = { ...form, submit };
      const result = nomination ? await updateNomination(callId, nomination.id, body, nomination.eTag) : await createNomination(callId, body);
      failure.clear();
      setLoad({ kind: 'ready', call, nomination: result });
      const notice = submit ? t('nom.form.submitted') : t('nom.form.saved');
      setSaved(notice);
      if (!nomination) {
        carriedNotice = notice;
        navigate(nominationPath(callId, result.id), { replace: true });
      }
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const upload = async (event: Event) => {
    event.preventDefault();
    if (!nomination || !file) return;
    setBusy(true);
    try {
      const result = await uploadAttachment(callId, nomination.id, file);
      failure.clear();
      setLoad({ kind: 'ready', call, nomination: result });
      setFile(null);
      setFileKey((k) => k + 1);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (attachmentId: string) => {
    if (!nomination) return;
    setBusy(true);
    try {
      setLoad({ kind: 'ready', call, nomination: await deleteAttachment(callId, nomination.id, attachmentId) });
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const editable = call.isOpen && (!nomination || nomination.status === 'draft');
  const set = (key: keyof NominationRequest) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setForm({ ...form, [key]: e.currentTarget.value });
  const text = (id: string, key: 'goals' | 'expectedImpact' | 'feasibility' | 'team', label: string, hint: string, max: number) => (
    <FormField id={id} label={label} hint={hint} error={failure.fieldErrors[id]}>
      {(c) => <textarea {...c} class="input" rows={5} maxLength={max} dir="auto" value={form[key]} onInput={set(key)} readOnly={!editable} />}
    </FormField>
  );

  return (
    <>
      <PageHeading>{nomination ? nomination.title : t('nom.form.title')}</PageHeading>
      <p class="lead">{textIn(call.titles, language)}</p>
      {nomination && (
        <p>
          {t('nom.list.status')}: <StatusBadge label={nominationLabel(t, nomination.status)} tone={nominationTone(nomination.status)} />
        </p>
      )}
      {!call.isOpen && (!nomination || nomination.status === 'draft') && <p class="notice notice--error">{t('nom.problem.nom_call_closed')}</p>}
      {saved && (
        <p class="notice" role="status">
          {saved}
        </p>
      )}
      <ErrorSummary errors={failure.summary} attempt={failure.attempt} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(true);
        }}
        noValidate
      >
        <FormField id="nom-title" label={t('nom.field.title')} error={failure.fieldErrors['nom-title']}>
          {(c) => <input {...c} class="input" type="text" maxLength={200} dir="auto" value={form.title} onInput={set('title')} readOnly={!editable} />}
        </FormField>
        {text('nom-goals', 'goals', t('nom.field.goals'), t('nom.field.goalsHint'), 4000)}
        {text('nom-impact', 'expectedImpact', t('nom.field.expectedImpact'), t('nom.field.expectedImpactHint'), 4000)}
        {text('nom-feasibility', 'feasibility', t('nom.field.feasibility'), t('nom.field.feasibilityHint'), 4000)}
        {text('nom-team', 'team', t('nom.field.team'), t('nom.field.teamHint'), 2000)}
        {editable && (
          <div class="button-row">
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void save(false)}>
              {t('nom.form.saveDraft')}
            </button>
            <button type="submit" class="button" disabled={busy}>
              {t('nom.form.submit')}
            </button>
          </div>
        )}
      </form>
      <section aria-labelledby="nom-attachments-heading">
        <h2 id="nom-attachments-heading">{t('nom.attachments.heading')}</h2>
        {!nomination && <p>{t('nom.attachments.saveFirst')}</p>}
        {nomination && nomination.attachments.length === 0 && <p>{t('nom.attachments.none')}</p>}
        {nomination && nomination.attachments.length > 0 && (
          <ul class="nom-attachments">
            {nomination.attachments.map((a) => (
              <li key={a.id}>
                <a href={attachmentUrl(callId, nomination.id, a.id)} download={a.fileName}>
                  {a.fileName}
                </a>{' '}
                ({t('nom.attachments.size', { kb: formatNumber(Math.max(1, Math.round(a.size / 1024))) })})
                {editable && (
                  <button type="button" class="button button--secondary button--small" disabled={busy} onClick={() => void remove(a.id)}>
                    {t('nom.attachments.remove', { name: a.fileName })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {nomination && editable && (
          <form onSubmit={upload} noValidate>
            <FormField id="nom-file" label={t('nom.attachments.file')} hint={t('nom.attachments.hint')} error={failure.fieldErrors['nom-file']}>
              {(c) => <input {...c} key={fileKey} class="input" type="file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />}
            </FormField>
            <div class="button-row">
              <button type="submit" class="button button--secondary" disabled={busy || !file}>
                {t('nom.attachments.upload')}
              </button>
            </div>
          </form>
        )}
      </section>
      <p>
        <Link href={nominationsPath}>{t('nom.form.back')}</Link>
      </p>
    </>
  );
}
