import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { textIn } from '../../components/texts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { listSeries, newSeriesPath, seriesPath, workshopRoles, type Series } from './api';
import './workshops.css';

/** The track's page: coordinators and admins manage series here; everyone else reads what the track is for. */
export function WorkshopsPage() {
  const { t } = useI18n();
  const session = useSession();
  if (!session.hasRole(...workshopRoles)) {
    return (
      <>
        <PageHeading>{t('workshops.title')}</PageHeading>
        <p class="lead">{t('track.workshops.summary')}</p>
        <p>{t('ws.list.byInvitation')}</p>
      </>
    );
  }
  return <SeriesList />;
}

type Load = { kind: 'loading' } | { kind: 'loaded'; series: Series[] } | { kind: 'failed'; message: string };

function SeriesList() {
  const { t, language, formatNumber } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });

  useEffect(() => {
    listSeries()
      .then((series) => setLoad({ kind: 'loaded', series: Array.isArray(series) ? series : [] }))
      .catch((error: unknown) => setLoad({ kind: 'failed', message: describeError(error, t) }));
  }, []);

  const seats = (s: Series) => s.sessions.reduce((sum, x) => sum + x.seats.taken, 0);
  const capacity = (s: Series) => s.sessions.reduce((sum, x) => sum + x.capacity, 0);
  const waitlisted = (s: Series) => s.sessions.reduce((sum, x) => sum + x.seats.waitlisted, 0);
  const columns: Column<Series>[] = [
    { key: 'title', header: t('ws.series.title'), sortValue: (s) => textIn(s.titles, language), cell: (s) => <Link href={seriesPath(s.id)}>{textIn(s.titles, language)}</Link> },
    { key: 'sessions', header: t('ws.series.sessions'), sortValue: (s) => s.sessions.length, cell: (s) => formatNumber(s.sessions.length) },
    { key: 'seats', header: t('ws.series.seatsTaken'), sortValue: seats, cell: (s) => t('ws.seats.ofCapacity', { taken: seats(s), capacity: capacity(s) }) },
    { key: 'waitlisted', header: t('ws.seats.waitlisted'), sortValue: waitlisted, cell: (s) => formatNumber(waitlisted(s)) },
  ];

  return (
    <>
      <PageHeading>{t('workshops.title')}</PageHeading>
      <p class="lead">{t('ws.list.intro')}</p>
      <div class="button-row">
        <Link href={newSeriesPath} class="button">
          {t('ws.series.new')}
        </Link>
      </div>
      {load.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{load.message}</p>
        </div>
      )}
      <DataTable
        caption={t('ws.list.caption')}
        columns={columns}
        rows={load.kind === 'loaded' ? load.series : []}
        rowKey={(s) => s.id}
        emptyText={load.kind === 'loading' ? t('ws.loading') : t('ws.list.empty')}
        busy={load.kind === 'loading'}
      />
    </>
  );
}
