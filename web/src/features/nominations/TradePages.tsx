import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { problemText } from '../../components/problems';
import { StatusBadge, type StatusTone } from '../../components/StatusBadge';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import { Link } from '../../router/router';
import { PersonalLinkStatus, usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import { decideGate, getGate, getReportForm, listProjects, nominationsPath, sendReport, type GateForm, type Project, type ProjectHealth, type ReportForm, type TradeStage } from './api';
import { problemMessage } from './labels';
import './nominations.css';

const healthTones: Record<ProjectHealth, StatusTone> = { 'on-track': 'success', 'at-risk': 'warning', overdue: 'danger', completed: 'info' };
export const stageLabel = (t: I18n['t'], stage: TradeStage) => t(`nom.trade.stage.${stage}` as MessageKey);
export const healthLabel = (t: I18n['t'], health: ProjectHealth) => t(`nom.trade.health.${health}` as MessageKey);

/** Every selected project's TRADE stage and health, the overdue and the at-risk first. */
export function ProjectsPage() {
  const { t, formatDateTime } = useI18n();
  const [load, setLoad] = useState<{ kind: 'loading' } | { kind: 'loaded'; projects: Project[] } | { kind: 'failed'; message: string }>({ kind: 'loading' });

  useEffect(() => {
    listProjects()
      .then((projects) => setLoad({ kind: 'loaded', projects: Array.isArray(projects) ? projects : [] }))
      .catch((error: unknown) => setLoad({ kind: 'failed', message: describeError(error, t) }));
  }, []);

  const date = (value: string | null) => (value ? formatDateTime(new Date(value), { dateStyle: 'medium', timeStyle: 'short' }) : '–');
  const columns: Column<Project>[] = [
    { key: 'title', header: t('nom.field.title'), sortValue: (p) => p.title, cell: (p) => <span dir="auto">{p.title}</span> },
    { key: 'organisation', header: t('nom.trade.organisation'), sortValue: (p) => p.organisationName, cell: (p) => p.organisationName },
    { key: 'stage', header: t('nom.trade.stage'), sortValue: (p) => p.stage, cell: (p) => t('nom.trade.stageOf', { stage: stageLabel(t, p.stageName), n: Math.min(p.stage + 1, 5) }) },
    {
      key: 'health',
      header: t('nom.trade.health'),
      sortValue: (p) => p.health,
      cell: (p) => (
        <>
          <StatusBadge label={healthLabel(t, p.health)} tone={healthTones[p.health] ?? 'neutral'} />
          {p.gatePending && (
            <>
              <br />
              {t('nom.trade.gatePending')}
            </>
          )}
        </>
      ),
    },
    { key: 'due', header: t('nom.trade.reportDue'), sortValue: (p) => (p.reportDue ? new Date(p.reportDue) : null), cell: (p) => date(p.reportDue) },
    { key: 'last', header: t('nom.trade.lastReport'), sortValue: (p) => (p.lastReportAt ? new Date(p.lastReportAt) : null), cell: (p) => date(p.lastReportAt) },
    {
      key: 'deliverables',
      header: t('nom.trade.deliverables'),
      cell: (p) => (
        <ul class="nom-reviews">
          {p.deliverables.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      ),
    },
  ];

  return (
    <>
      <PageHeading>{t('nom.trade.title')}</PageHeading>
      <p class="lead">{t('nom.trade.intro')}</p>
      {load.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{load.message}</p>
        </div>
      )}
      <DataTable
        caption={t('nom.trade.caption')}
        columns={columns}
        rows={load.kind === 'loaded' ? load.projects : []}
        rowKey={(p) => p.id}
        emptyText={load.kind === 'loading' ? t('nom.loading') : t('nom.trade.empty')}
        busy={load.kind === 'loading'}
        exportFileName="trade-projects.csv"
      />
      <p>
        <Link href={nominationsPath}>{t('nom.form.back')}</Link>
      </p>
    </>
  );
}

/** A TRADE page behind an emailed link: read as it opens, refused in the nominations' words. */
function useTradeLink<T>(load: (token: string) => Promise<T>) {
  const { t } = useI18n();
  return usePersonalLink<T>({ missing: () => t('nom.problem.token_invalid'), load, refusal: (error) => problemText(error, t, problemMessage) });
}

function Deliverables({ items }: { items: string[] }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('nom.trade.deliverables')}</h2>
      <ul class="nom-attachments">
        {items.map((d) => (
          <li key={d}>{d}</li>
        ))}
      </ul>
    </>
  );
}

/** The progress report form behind the team lead's emailed link. */
export function ReportPage() {
  const { t, formatDateTime } = useI18n();
  const link = useTradeLink<ReportForm>(getReportForm);
  const [summary, setSummary] = useState('');
  const [risks, setRisks] = useState('');
  const [health, setHealth] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const failure = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  if (link.state.kind !== 'ready') return <PersonalLinkStatus state={link.state} refusedTitle={t('nom.review.refused')} loadingText={t('nom.loading')} />;
  const page = link.state.page;
  const fields = { summary: 'report-summary', risks: 'report-risks', health: 'report-health' };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      link.show(await sendReport(link.token, { summary, risks, health, readyForGate: ready }));
    } catch (error) {
      failure.fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading>{t('nom.trade.reportTitle')}</PageHeading>
      <p class="lead">
        <span dir="auto">{page.projectTitle}</span> — {stageLabel(t, page.stageName)}
      </p>
      {page.due && <p>{t('nom.trade.dueOn', { date: formatDateTime(new Date(page.due), { dateStyle: 'long', timeStyle: 'short' }) })}</p>}
      <Deliverables items={page.deliverables} />
      {page.submitted ? (
        <p class="notice" role="status" id="report-done">
          {t('nom.trade.reportThanks')}
        </p>
      ) : (
        <>
          <ErrorSummary errors={failure.summary} attempt={failure.attempt} />
          <form onSubmit={submit} noValidate>
            <FormField id="report-summary" label={t('nom.trade.summary')} hint={t('nom.trade.summaryHint')} error={failure.fieldErrors['report-summary']}>
              {(c) => <textarea {...c} class="input" rows={6} maxLength={4000} dir="auto" value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />}
            </FormField>
            <FormField id="report-risks" label={t('nom.trade.risks')} optional error={failure.fieldErrors['report-risks']}>
              {(c) => <textarea {...c} class="input" rows={3} maxLength={2000} dir="auto" value={risks} onInput={(e) => setRisks(e.currentTarget.value)} />}
            </FormField>
            <fieldset class="form-group" id="report-health" tabIndex={-1} aria-describedby={failure.fieldErrors['report-health'] ? 'report-health-error' : undefined}>
              <legend>{t('nom.trade.health')}</legend>
              {failure.fieldErrors['report-health'] && (
                <p class="form-field__error" id="report-health-error">
                  {failure.fieldErrors['report-health']}
                </p>
              )}
              {(['on-track', 'at-risk'] as const).map((h) => (
                <div class="checkbox" key={h}>
                  <input id={`report-health-${h}`} type="radio" name="report-health" checked={health === h} onChange={() => setHealth(h)} />
                  <label for={`report-health-${h}`}>{healthLabel(t, h)}</label>
                </div>
              ))}
            </fieldset>
            <div class="checkbox">
              <input id="report-ready" type="checkbox" checked={ready} onChange={(e) => setReady(e.currentTarget.checked)} />
              <label for="report-ready">{t('nom.trade.readyForGate')}</label>
            </div>
            <div class="button-row">
              <button type="submit" class="button" disabled={busy}>
                {t('nom.trade.sendReport')}
              </button>
            </div>
          </form>
        </>
      )}
    </>
  );
}

/** The stage gate behind the approver's emailed link: opening it shows the last report; the button decides. */
export function GatePage() {
  const { t } = useI18n();
  const link = useTradeLink<GateForm>(getGate);
  const [decision, setDecision] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const failure = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  if (link.state.kind !== 'ready') return <PersonalLinkStatus state={link.state} refusedTitle={t('nom.review.refused')} loadingText={t('nom.loading')} />;
  const page = link.state.page;
  const fields = { decision: 'gate-decision', comment: 'gate-comment' };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      link.show(await decideGate(link.token, { decision, comment }));
    } catch (error) {
      failure.fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading>{t('nom.trade.gateTitle')}</PageHeading>
      <p class="lead">
        <span dir="auto">{page.projectTitle}</span> — {stageLabel(t, page.stageName)}
      </p>
      <Deliverables items={page.deliverables} />
      <h2>{t('nom.trade.lastReportHeading')}</h2>
      <dl class="nom-details">
        <dt>{t('nom.trade.summary')}</dt>
        <dd dir="auto">{page.lastSummary ?? '–'}</dd>
        <dt>{t('nom.trade.risks')}</dt>
        <dd dir="auto">{page.lastRisks ?? '–'}</dd>
        <dt>{t('nom.trade.health')}</dt>
        <dd>{page.lastHealth ? healthLabel(t, page.lastHealth) : '–'}</dd>
      </dl>
      {!page.pending ? (
        <p class="notice" role="status" id="gate-done">
          {t('nom.trade.gateDone')}
        </p>
      ) : (
        <>
          <ErrorSummary errors={failure.summary} attempt={failure.attempt} />
          <form onSubmit={submit} noValidate>
            <fieldset class="form-group" id="gate-decision" tabIndex={-1} aria-describedby={failure.fieldErrors['gate-decision'] ? 'gate-decision-error' : undefined}>
              <legend>{t('nom.trade.gateDecision')}</legend>
              {failure.fieldErrors['gate-decision'] && (
                <p class="form-field__error" id="gate-decision-error">
                  {failure.fieldErrors['gate-decision']}
                </p>
              )}
              {(['approve', 'reject'] as const).map((d) => (
                <div class="checkbox" key={d}>
                  <input id={`gate-decision-${d}`} type="radio" name="gate-decision" checked={decision === d} onChange={() => setDecision(d)} />
                  <label for={`gate-decision-${d}`}>{t(`nom.trade.gate.${d}` as MessageKey)}</label>
                </div>
              ))}
            </fieldset>
            <FormField id="gate-comment" label={t('nom.review.comment')} optional error={failure.fieldErrors['gate-comment']}>
              {(c) => <textarea {...c} class="input" rows={3} maxLength={2000} dir="auto" value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
            </FormField>
            <div class="button-row">
              <button type="submit" class="button" disabled={busy}>
                {t('nom.trade.confirmGate')}
              </button>
            </div>
          </form>
        </>
      )}
    </>
  );
}
