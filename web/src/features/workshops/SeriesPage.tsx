import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { StatusBadge } from '../../components/StatusBadge';
import { textIn } from '../../components/texts';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import {
  campaignPath,
  formatLocal,
  getFeedback,
  getSeries,
  listCampaigns,
  listRegistrations,
  markAttendance,
  newCampaignPath,
  newSessionPath,
  sendSurvey,
  workshopsPath,
  type Campaign,
  type FeedbackResults,
  type Registration,
  type Series,
  type Session,
} from './api';
import { FeedbackChart } from './FeedbackChart';
import { registrationLabel, registrationTone } from './labels';
import './workshops.css';

interface Data {
  series: Series;
  registrations: Registration[];
  campaigns: Campaign[];
  feedback: FeedbackResults;
}

type Load = { kind: 'loading' } | { kind: 'loaded'; data: Data } | { kind: 'failed'; message: string };

/** One series for coordinators: sessions with their seats, registrations (CSV), attendance, the survey, campaigns and feedback results. */
export function SeriesPage({ seriesId }: { seriesId: string }) {
  const { t, language, formatNumber, formatDateTime } = useI18n();
  const toast = useToast();
  const session = useSession();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [series, registrations, campaigns, feedback] = await Promise.all([getSeries(seriesId), listRegistrations(seriesId), listCampaigns(seriesId), getFeedback(seriesId)]);
      setLoad({ kind: 'loaded', data: { series, registrations, campaigns, feedback } });
    } catch (error) {
      setLoad({ kind: 'failed', message: describeError(error, t) });
    }
  }, [seriesId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  if (load.kind !== 'loaded') {
    return (
      <>
        <p class="back-link">
          <Link href={workshopsPath}>{t('ws.back')}</Link>
        </p>
        <PageHeading>{t('ws.series.heading')}</PageHeading>
        {load.kind === 'loading' ? (
          <p role="status">{t('ws.loading')}</p>
        ) : (
          <div class="notice notice--error" role="alert">
            <p>{load.message}</p>
          </div>
        )}
      </>
    );
  }

  const { series, registrations, campaigns, feedback } = load.data;
  const sessionTitle = (id: string) => textIn(series.sessions.find((s) => s.id === id)?.titles, language) || id;

  const toggleAttendance = async (r: Registration) => {
    setBusy(r.personId);
    try {
      await markAttendance(seriesId, r.personId, r.attended !== true);
      toast.show(t(r.attended !== true ? 'ws.attendance.marked' : 'ws.attendance.unmarked', { name: r.name }), 'success');
      await reload();
    } catch (error) {
      toast.show(describeError(error, t), 'error');
    } finally {
      setBusy(null);
    }
  };

  const survey = async (s: Session) => {
    setBusy(s.id);
    try {
      const result = await sendSurvey(seriesId, s.id);
      toast.show(t('ws.survey.sent', { count: result.sent, before: result.alreadySent }), 'success');
    } catch (error) {
      toast.show(describeError(error, t), 'error');
    } finally {
      setBusy(null);
    }
  };

  const sessionColumns: Column<Session>[] = [
    { key: 'title', header: t('ws.session.title'), rowHeader: true, sortValue: (s) => textIn(s.titles, language), cell: (s) => textIn(s.titles, language) },
    {
      key: 'when',
      header: t('ws.session.when'),
      sortValue: (s) => new Date(s.startUtc),
      csvValue: (s) => `${s.start} ${s.timeZone}`,
      cell: (s) => (
        <>
          {formatLocal(s.start, language)} <span dir="ltr">({s.timeZone})</span>
        </>
      ),
    },
    { key: 'place', header: t('ws.session.place'), cell: (s) => (s.onlineUrl ? <a href={s.onlineUrl} dir="ltr">{t('ws.session.onlineLink')}</a> : s.venue) },
    { key: 'capacity', header: t('ws.session.capacity'), sortValue: (s) => s.capacity, cell: (s) => formatNumber(s.capacity) },
    { key: 'taken', header: t('ws.seats.taken'), sortValue: (s) => s.seats.taken, cell: (s) => formatNumber(s.seats.taken) },
    { key: 'registered', header: t('ws.seats.registered'), sortValue: (s) => s.seats.confirmed, cell: (s) => formatNumber(s.seats.confirmed) },
    { key: 'offered', header: t('ws.seats.offered'), sortValue: (s) => s.seats.offered, cell: (s) => formatNumber(s.seats.offered) },
    { key: 'waitlisted', header: t('ws.seats.waitlisted'), sortValue: (s) => s.seats.waitlisted, cell: (s) => formatNumber(s.seats.waitlisted) },
    { key: 'deadline', header: t('ws.session.deadline'), sortValue: (s) => new Date(s.registrationDeadline), cell: (s) => formatDateTime(new Date(s.registrationDeadline)) },
    {
      key: 'survey',
      header: t('ws.survey.column'),
      cell: (s) => (
        <button type="button" class="button button--secondary" disabled={busy === s.id} onClick={() => void survey(s)}>
          {t('ws.survey.send')}
          <span class="visually-hidden"> — {textIn(s.titles, language)}</span>
        </button>
      ),
    },
  ];

  const registrationColumns: Column<Registration>[] = [
    { key: 'name', header: t('ws.registration.name'), rowHeader: true, sortValue: (r) => r.name, cell: (r) => <span dir="auto">{r.name}</span> },
    { key: 'email', header: t('ws.registration.email'), sortValue: (r) => r.email, cell: (r) => <span dir="ltr">{r.email}</span> },
    { key: 'session', header: t('ws.registration.session'), sortValue: (r) => sessionTitle(r.sessionId), cell: (r) => sessionTitle(r.sessionId) },
    {
      key: 'status',
      header: t('ws.registration.status'),
      sortValue: (r) => registrationLabel(t, r.status),
      cell: (r) => <StatusBadge label={registrationLabel(t, r.status)} tone={registrationTone(r.status)} />,
    },
    { key: 'position', header: t('ws.registration.position'), sortValue: (r) => r.waitlistPosition, cell: (r) => (r.waitlistPosition ? formatNumber(r.waitlistPosition) : '') },
    ...series.questions.map(
      (q): Column<Registration> => ({
        key: `answer-${q.id}`,
        header: textIn(q.labels, language),
        sortValue: (r) => r.answers[q.id] ?? '',
        // Plain text: Preact encodes it, so markup in an answer shows as typed.
        cell: (r) => (
          <span class="ws-answer" dir="auto">
            {r.answers[q.id] ?? ''}
          </span>
        ),
      }),
    ),
    {
      key: 'attended',
      header: t('ws.attendance.column'),
      sortValue: (r) => (r.attended === true ? 1 : r.attended === false ? 0 : null),
      csvValue: (r) => (r.attended === true ? 'yes' : r.attended === false ? 'no' : ''),
      cell: (r) =>
        r.status === 'confirmed' ? (
          <button type="button" class="button button--secondary" aria-pressed={r.attended === true} disabled={busy === r.personId} onClick={() => void toggleAttendance(r)}>
            {t(r.attended === true ? 'ws.attendance.attended' : 'ws.attendance.mark')}
            <span class="visually-hidden"> — {r.name}</span>
          </button>
        ) : null,
    },
    { key: 'registeredAt', header: t('ws.registration.registeredAt'), sortValue: (r) => new Date(r.createdAt), cell: (r) => formatDateTime(new Date(r.createdAt)) },
  ];

  const campaignColumns: Column<Campaign>[] = [
    { key: 'name', header: t('ws.campaign.name'), rowHeader: true, sortValue: (c) => c.name, cell: (c) => <Link href={campaignPath(c.id)}>{c.name}</Link> },
    { key: 'total', header: t('ws.campaign.invitees'), sortValue: (c) => c.total, cell: (c) => formatNumber(c.total) },
    { key: 'deadline', header: t('ws.campaign.deadline'), sortValue: (c) => new Date(c.deadline), cell: (c) => formatDateTime(new Date(c.deadline)) },
    { key: 'created', header: t('ws.campaign.started'), sortValue: (c) => new Date(c.createdAt), cell: (c) => formatDateTime(new Date(c.createdAt)) },
  ];

  return (
    <>
      <p class="back-link">
        <Link href={workshopsPath}>{t('ws.back')}</Link>
      </p>
      <PageHeading>{textIn(series.titles, language)}</PageHeading>
      {textIn(series.descriptions, language) && <p class="lead">{textIn(series.descriptions, language)}</p>}
      <div class="button-row">
        <Link href={newSessionPath(seriesId)} class="button">
          {t('ws.session.new')}
        </Link>
        {session.hasRole('admin') && (
          <Link href={newCampaignPath(seriesId)} class="button button--secondary">
            {t('ws.campaign.new')}
          </Link>
        )}
      </div>

      <h2>{t('ws.session.heading')}</h2>
      <DataTable caption={t('ws.session.caption')} columns={sessionColumns} rows={series.sessions} rowKey={(s) => s.id} emptyText={t('ws.session.empty')} exportFileName={`sessions-${seriesId}.csv`} />

      <h2>{t('ws.registration.heading')}</h2>
      <p>
        <a href={`/api/workshops/series/${encodeURIComponent(seriesId)}/registrations.csv`} download>
          {t('ws.registration.downloadAll')}
        </a>
      </p>
      <DataTable
        caption={t('ws.registration.caption', { count: registrations.length })}
        columns={registrationColumns}
        rows={registrations}
        rowKey={(r) => r.personId}
        emptyText={t('ws.registration.empty')}
        pageSize={25}
        exportFileName={`registrations-${seriesId}.csv`}
      />

      <h2>{t('ws.campaign.heading')}</h2>
      <DataTable caption={t('ws.campaign.caption')} columns={campaignColumns} rows={campaigns} rowKey={(c) => c.id} emptyText={t('ws.campaign.empty')} />

      <h2>{t('ws.feedback.heading')}</h2>
      <p>{t('ws.feedback.intro')}</p>
      <h3>{t('ws.feedback.series')}</h3>
      <FeedbackChart title={t('ws.feedback.seriesChart')} summary={feedback.series} fileName={`feedback-${seriesId}.csv`} />
      {feedback.sessions
        .filter((s) => s.responses > 0)
        .map((s) => (
          <section key={s.sessionId}>
            <h3>{sessionTitle(s.sessionId ?? '')}</h3>
            <FeedbackChart title={t('ws.feedback.sessionChart', { session: sessionTitle(s.sessionId ?? '') })} summary={s} fileName={`feedback-${seriesId}-${s.sessionId}.csv`} />
          </section>
        ))}
    </>
  );
}
