import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { localInputToIso } from '../../components/inputs';
import { LanguageOptions } from '../../components/LanguageOptions';
import { ProgressBar } from '../../components/ProgressBar';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { CodedApiError } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import {
  addCandidate,
  challengesPath,
  cohortRoles,
  cohortsPath,
  createProposalLink,
  editCohortPath,
  getCohort,
  getOnboarding,
  importCandidates,
  listCandidates,
  setCandidateStatus,
  startOnboarding,
  type BudgetLine,
  type Candidate,
  type CandidateStatus,
  type Cohort,
  type OnboardingProgress,
  type StuckParticipant,
} from './api';
import { failureText, missingLabel, problemMessage, statusLabel, statusTone } from './labels';
import './cohorts.css';

/** How often running onboarding is read again. */
export const onboardingPollMs = 2000;

/** A cohort: its settings, budget, candidate pipeline and onboarding with live progress. */
export function CohortPage({ cohortId }: { cohortId: string }) {
  return (
    <RequireRole roles={cohortRoles} titleKey="cohort.heading">
      <CohortDetail cohortId={cohortId} />
    </RequireRole>
  );
}

function CohortDetail({ cohortId }: { cohortId: string }) {
  const { t, formatNumber } = useI18n();
  const [cohort, setCohort] = useState<Cohort | null>(null);
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [failure, setFailure] = useState('');
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);

  useEffect(() => {
    Promise.all([getCohort(cohortId), listCandidates(cohortId)])
      .then(([c, list]) => {
        setCohort(c);
        setCandidates(list);
      })
      .catch((error: unknown) => setFailure(describeError(error, t)));
  }, [cohortId, version]);

  if (!cohort) {
    return (
      <>
        <PageHeading>{t('cohort.heading')}</PageHeading>
        {failure ? (
          <div class="notice notice--error" role="alert">
            <p>{failure}</p>
          </div>
        ) : (
          <p role="status">{t('cohort.loading')}</p>
        )}
      </>
    );
  }

  const money = (n: number) => formatNumber(n, { style: 'currency', currency: cohort.currency });
  const budgetColumns: Column<BudgetLine>[] = [
    { key: 'label', header: t('cohort.budget.label'), rowHeader: true, sortValue: (b) => b.label, cell: (b) => <span dir="auto">{b.label}</span> },
    { key: 'planned', header: t('cohort.budget.planned'), sortValue: (b) => b.planned, cell: (b) => money(b.planned) },
    { key: 'spent', header: t('cohort.budget.spent'), sortValue: (b) => b.spent, cell: (b) => money(b.spent) },
    { key: 'remaining', header: t('cohort.budget.remaining'), sortValue: (b) => b.planned - b.spent, cell: (b) => money(b.planned - b.spent) },
  ];

  return (
    <>
      <p class="back-link">
        <Link href={cohortsPath}>{t('cohort.back')}</Link>
      </p>
      <PageHeading>{cohort.name}</PageHeading>
      <p class="lead" dir="auto">
        {cohort.programmeName}
      </p>
      <dl class="summary-list">
        <div>
          <dt>{t('cohort.dates')}</dt>
          <dd>{t('cohort.dateRange', { start: cohort.startDate, end: cohort.endDate })}</dd>
        </div>
        <div>
          <dt>{t('cohort.seats')}</dt>
          <dd id="cohort-seats">{t('progress.nOfN', { value: cohort.seatsTaken, max: cohort.capacity })}</dd>
        </div>
        <div>
          <dt>{t('cohort.coordinator')}</dt>
          <dd dir="auto">{cohort.coordinator?.name ?? ''}</dd>
        </div>
        <div>
          <dt>{t('cohort.managers')}</dt>
          <dd dir="auto">{cohort.managers.map((m) => m.name).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('cohort.steering')}</dt>
          <dd>
            <ul class="cohort-plain-list">
              {cohort.steeringCommittee.map((m, i) => (
                <li key={i} dir="auto">
                  {m.role ? t('cohort.steering.member', { name: m.name, role: m.role }) : m.name}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
      <p class="button-row">
        <Link class="button button--secondary" href={editCohortPath(cohort.id)}>
          {t('cohort.edit')}
        </Link>
        <Link class="button button--secondary" href={challengesPath(cohort.id)}>
          {t('cohort.challenges')}
        </Link>
      </p>

      <h2>{t('cohort.organisations')}</h2>
      <DataTable
        caption={t('cohort.organisations')}
        columns={[
          { key: 'name', header: t('cohort.organisation'), rowHeader: true, sortValue: (o) => o.name, cell: (o) => <span dir="auto">{o.name}</span> },
          { key: 'quota', header: t('cohort.quota'), sortValue: (o) => o.quota, cell: (o) => t('progress.nOfN', { value: o.used, max: o.quota }) },
          { key: 'link', header: t('cohort.proposalLink'), cell: (o) => <ProposalLinkButton cohortId={cohort.id} organisationId={o.organisationId} name={o.name} /> },
        ]}
        rows={cohort.organisations}
        rowKey={(o) => o.organisationId}
        emptyText={t('cohort.organisations.empty')}
      />

      <h2>{t('cohort.budget')}</h2>
      <DataTable caption={t('cohort.budget')} columns={budgetColumns} rows={cohort.budget} rowKey={(b) => b.label} emptyText={t('cohort.budget.empty')} exportFileName={`budget-${cohort.id}.csv`} />
      <p id="budget-totals">
        {t('cohort.budget.totals', { planned: money(cohort.budgetTotals.planned), spent: money(cohort.budgetTotals.spent), remaining: money(cohort.budgetTotals.remaining) })}
      </p>

      <Onboarding cohort={cohort} onChange={reload} />
      <Candidates cohort={cohort} candidates={candidates} onChange={reload} />
    </>
  );
}

function ProposalLinkButton({ cohortId, organisationId, name }: { cohortId: string; organisationId: string; name: string }) {
  const { t } = useI18n();
  const [link, setLink] = useState('');
  const [error, setError] = useState('');
  if (link) {
    return (
      <input class="input" readOnly dir="ltr" aria-label={t('cohort.proposalLinkFor', { name })} value={link} onFocus={(e) => e.currentTarget.select()} />
    );
  }
  return (
    <>
      <button
        type="button"
        class="button button--secondary"
        onClick={() => createProposalLink(cohortId, organisationId).then((l) => setLink(l.link), (e: unknown) => setError(failureText(t, e)))}
      >
        {t('cohort.proposalLink.create')}
        <span class="visually-hidden"> {name}</span>
      </button>
      {error && <span class="failure-text">{error}</span>}
    </>
  );
}

const actions: { status: CandidateStatus; from: readonly CandidateStatus[] }[] = [
  { status: 'accepted', from: ['proposed', 'rejected'] },
  { status: 'rejected', from: ['proposed', 'accepted'] },
  { status: 'withdrawn', from: ['proposed', 'accepted', 'rejected', 'onboarding', 'onboarded'] },
];

function Candidates({ cohort, candidates, onChange }: { cohort: Cohort; candidates: Candidate[]; onChange: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [problem, setProblem] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('en');
  const [organisationId, setOrganisationId] = useState('');
  const [csv, setCsv] = useState('');
  const { summary, fieldErrors, attempt, fail, clear } = useFormFailure(problemMessage);

  const change = async (c: Candidate, status: CandidateStatus) => {
    try {
      await setCandidateStatus(cohort.id, c.personId, status, c.eTag);
      setProblem('');
      toast.show(t('cohort.candidate.changed', { name: c.name, status: statusLabel(t, status) }), 'success');
      onChange();
    } catch (error) {
      setProblem(failureText(t, error));
    }
  };

  const failed = (error: unknown) =>
    fail(error, { email: 'candidate-email', name: 'candidate-name', language: 'candidate-language', organisationId: 'candidate-org', csv: 'candidate-csv' });

  const add = async (event: Event) => {
    event.preventDefault();
    try {
      await addCandidate(cohort.id, { email, name, language, organisationId });
      setEmail('');
      setName('');
      clear();
      onChange();
    } catch (error) {
      failed(error);
    }
  };

  const upload = async (event: Event) => {
    event.preventDefault();
    try {
      const result = await importCandidates(cohort.id, csv);
      toast.show(t('cohort.import.done', { count: result.added, existing: result.alreadyCandidates }), 'success');
      setCsv('');
      clear();
      onChange();
    } catch (error) {
      failed(error);
    }
  };

  const columns: Column<Candidate>[] = [
    { key: 'name', header: t('cohort.candidate.name'), rowHeader: true, sortValue: (c) => c.name, cell: (c) => <span dir="auto">{c.name}</span> },
    { key: 'email', header: t('cohort.candidate.email'), sortValue: (c) => c.email, cell: (c) => <span dir="ltr">{c.email}</span> },
    { key: 'organisation', header: t('cohort.organisation'), sortValue: (c) => c.organisationId, cell: (c) => cohort.organisations.find((o) => o.organisationId === c.organisationId)?.name ?? c.organisationId ?? '' },
    { key: 'status', header: t('cohort.candidate.status'), sortValue: (c) => statusLabel(t, c.status), cell: (c) => <StatusBadge label={statusLabel(t, c.status)} tone={statusTone(c.status)} /> },
    {
      key: 'actions',
      header: t('cohort.candidate.actions'),
      cell: (c) => (
        <span class="cohort-actions">
          {actions
            .filter((a) => a.from.includes(c.status))
            .map((a) => (
              <button key={a.status} type="button" class="button button--secondary" onClick={() => void change(c, a.status)}>
                {t(`cohort.action.${a.status}` as 'cohort.action.accepted')}
                <span class="visually-hidden"> {c.name}</span>
              </button>
            ))}
        </span>
      ),
    },
  ];

  return (
    <section aria-labelledby="candidates-heading">
      <h2 id="candidates-heading">{t('cohort.candidates')}</h2>
      <div role="alert">
        {problem && (
          <div class="notice notice--error">
            <p>{problem}</p>
          </div>
        )}
      </div>
      <DataTable caption={t('cohort.candidates')} columns={columns} rows={candidates} rowKey={(c) => c.personId} emptyText={t('cohort.candidates.empty')} pageSize={50} exportFileName={`candidates-${cohort.id}.csv`} />
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={add} noValidate class="panel">
        <h3>{t('cohort.candidate.add')}</h3>
        <FormField id="candidate-email" label={t('cohort.candidate.email')} error={fieldErrors['candidate-email']}>
          {(c) => <input {...c} class="input" type="email" dir="ltr" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </FormField>
        <FormField id="candidate-name" label={t('cohort.candidate.name')} optional error={fieldErrors['candidate-name']}>
          {(c) => <input {...c} class="input" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </FormField>
        <FormField id="candidate-language" label={t('cohort.candidate.language')} error={fieldErrors['candidate-language']}>
          {(c) => (
            <select {...c} class="input input--short" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
              <LanguageOptions />
            </select>
          )}
        </FormField>
        <FormField id="candidate-org" label={t('cohort.organisation')} optional error={fieldErrors['candidate-org']}>
          {(c) => (
            <select {...c} class="input" value={organisationId} onChange={(e) => setOrganisationId(e.currentTarget.value)}>
              <option value="">{t('cohort.choose')}</option>
              {cohort.organisations.map((o) => (
                <option key={o.organisationId} value={o.organisationId}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button">
            {t('cohort.candidate.propose')}
          </button>
        </div>
      </form>
      <form onSubmit={upload} noValidate class="panel">
        <h3>{t('cohort.import')}</h3>
        <div class="form-field">
          <label class="form-field__label" for="candidate-csv-file">
            {t('cohort.import.file')}
          </label>
          <input
            id="candidate-csv-file"
            class="input"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void file.text().then((text) => setCsv(text.replace(/^\uFEFF/, '')));
            }}
          />
        </div>
        <FormField id="candidate-csv" label={t('cohort.import.csv')} hint={t('cohort.import.hint')} error={fieldErrors['candidate-csv']}>
          {(c) => <textarea {...c} class="input" rows={6} dir="ltr" spellcheck={false} value={csv} onInput={(e) => setCsv(e.currentTarget.value)} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button">
            {t('cohort.import.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Onboarding({ cohort, onChange }: { cohort: Cohort; onChange: () => void }) {
  const { t, formatDateTime } = useI18n();
  const toast = useToast();
  const [progress, setProgress] = useState<OnboardingProgress | null>(null);
  const [deadline, setDeadline] = useState('');
  const [reminder, setReminder] = useState('72');
  const { summary, fieldErrors, attempt, fail, show, clear } = useFormFailure(problemMessage);
  const [kick, setKick] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const lastDone = useRef<boolean | null>(null);
  const lastCounts = useRef<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const p = await getOnboarding(cohort.id);
        if (stopped) return;
        setProgress(p);
        // The candidate list shows the same people's statuses: read it again when the counts move.
        const counts = `${p.total}/${p.onboarded}/${p.welcomed}/${p.escalated}`;
        if (lastCounts.current !== null && lastCounts.current !== counts) onChange();
        lastCounts.current = counts;
        const running = p.rounds.some((r) => r.runtimeStatus === 'Running' || r.runtimeStatus === 'Pending');
        const done = p.total > 0 && p.onboarded === p.total;
        if (lastDone.current === false && done) setAnnouncement(t('cohort.onboarding.allDone', { count: p.total }));
        lastDone.current = done;
        if (running) timer = setTimeout(() => void tick(), onboardingPollMs);
      } catch {
        if (!stopped) timer = setTimeout(() => void tick(), onboardingPollMs * 2);
      }
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [cohort.id, kick]);

  const start = async (event: Event) => {
    event.preventDefault();
    try {
      const result = await startOnboarding(cohort.id, { deadline: localInputToIso(deadline), reminderHoursBefore: reminder === '' ? null : Number(reminder) });
      toast.show(t('cohort.onboarding.started', { added: result.added, participants: result.participants }), 'success');
      clear();
      setKick((k) => k + 1);
      onChange();
    } catch (error) {
      if (error instanceof CodedApiError && problemMessage(t, error.code)) {
        show({ summary: [{ message: failureText(t, error) }], fieldErrors: {} });
      } else {
        fail(error, { deadline: 'onboarding-deadline', reminderHoursBefore: 'onboarding-reminder' });
      }
    }
  };

  const stuckColumns: Column<StuckParticipant>[] = [
    { key: 'name', header: t('cohort.candidate.name'), rowHeader: true, sortValue: (s) => s.name, cell: (s) => <span dir="auto">{s.name}</span> },
    { key: 'email', header: t('cohort.candidate.email'), sortValue: (s) => s.email, cell: (s) => <span dir="ltr">{s.email}</span> },
    { key: 'why', header: t('cohort.onboarding.why'), csvValue: (s) => s.missing.join(' '), cell: (s) => s.missing.map((m) => missingLabel(t, m)).join(', ') },
    { key: 'reminded', header: t('cohort.onboarding.reminded'), sortValue: (s) => (s.remindedAt ? new Date(s.remindedAt) : null), cell: (s) => (s.remindedAt ? formatDateTime(new Date(s.remindedAt)) : '') },
    { key: 'escalated', header: t('cohort.onboarding.escalated'), sortValue: (s) => (s.escalatedAt ? new Date(s.escalatedAt) : null), cell: (s) => (s.escalatedAt ? formatDateTime(new Date(s.escalatedAt)) : '') },
  ];

  return (
    <section aria-labelledby="onboarding-heading">
      <h2 id="onboarding-heading">{t('cohort.onboarding')}</h2>
      <p class="visually-hidden" role="status">
        {announcement}
      </p>
      {progress && progress.total > 0 && (
        <div class="panel">
          <ProgressBar label={t('cohort.onboarding.progress')} value={progress.onboarded} max={progress.total} />
          <p id="onboarding-count" aria-live="polite">
            {t('cohort.onboarding.count', { value: progress.onboarded, max: progress.total })}
          </p>
          <ul class="cohort-counts">
            <li>{t('cohort.onboarding.welcomed', { count: progress.welcomed })}</li>
            <li>{t('cohort.onboarding.stuck', { count: progress.stuck.length })}</li>
            <li>{t('cohort.onboarding.escalatedCount', { count: progress.escalated })}</li>
          </ul>
          {progress.stuck.length > 0 && (
            <DataTable caption={t('cohort.onboarding.stuckCaption')} columns={stuckColumns} rows={progress.stuck} rowKey={(s) => s.personId} emptyText="" pageSize={20} exportFileName={`onboarding-${cohort.id}.csv`} />
          )}
        </div>
      )}
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={start} noValidate class="panel">
        <p>{t('cohort.onboarding.intro', { accepted: cohort.counts.accepted })}</p>
        <FormField id="onboarding-deadline" label={t('cohort.onboarding.deadline')} error={fieldErrors['onboarding-deadline']}>
          {(c) => <input {...c} class="input" type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />}
        </FormField>
        <FormField id="onboarding-reminder" label={t('cohort.onboarding.reminder')} hint={t('cohort.onboarding.reminderHint')} error={fieldErrors['onboarding-reminder']}>
          {(c) => <input {...c} class="input input--short" type="number" min={0} max={1440} inputMode="numeric" value={reminder} onInput={(e) => setReminder(e.currentTarget.value)} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button">
            {t('cohort.onboarding.start')}
          </button>
        </div>
      </form>
    </section>
  );
}
