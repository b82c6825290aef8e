import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { StatusBadge } from '../../components/StatusBadge';
import { textIn } from '../../components/texts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { boardPath, listCalls, listMine, newCallPath, newNominationPath, nominationPath, projectsPath, staffRoles, type Call, type Nomination } from './api';
import { nominationLabel, nominationTone } from './labels';
import './nominations.css';

type Load = { kind: 'loading' } | { kind: 'loaded'; calls: Call[]; mine: Nomination[] } | { kind: 'failed'; message: string };

/** The track's page: open calls to nominate for, the organisation's own nominations, and for staff each call's board. */
export function NominationsPage() {
  const { t, language, formatDateTime } = useI18n();
  const session = useSession();
  const signedIn = session.hasRole('member', 'admin', 'coordinator', 'reviewer');
  const staff = session.hasRole(...staffRoles);
  const admin = session.hasRole('admin');
  const [load, setLoad] = useState<Load>({ kind: 'loading' });

  useEffect(() => {
    if (!signedIn) return;
    Promise.all([listCalls(), listMine()])
      .then(([calls, mine]) => setLoad({ kind: 'loaded', calls: Array.isArray(calls) ? calls : [], mine: Array.isArray(mine) ? mine : [] }))
      .catch((error: unknown) => setLoad({ kind: 'failed', message: describeError(error, t) }));
  }, [signedIn]);

  if (!signedIn) {
    return (
      <>
        <PageHeading>{t('nominations.title')}</PageHeading>
        <p class="lead">{t('track.nominations.summary')}</p>
        <p>{t('nom.list.signIn')}</p>
      </>
    );
  }

  const calls = load.kind === 'loaded' ? load.calls : [];
  const mine = load.kind === 'loaded' ? load.mine : [];
  const callTitle = (id: string) => textIn(calls.find((c) => c.id === id)?.titles, language) || id;
  const columns: Column<Nomination>[] = [
    { key: 'title', header: t('nom.field.title'), sortValue: (n) => n.title, cell: (n) => <Link href={nominationPath(n.callId, n.id)}>{n.title}</Link> },
    { key: 'call', header: t('nom.list.call'), sortValue: (n) => callTitle(n.callId), cell: (n) => callTitle(n.callId) },
    { key: 'status', header: t('nom.list.status'), sortValue: (n) => n.status, cell: (n) => <StatusBadge label={nominationLabel(t, n.status)} tone={nominationTone(n.status)} /> },
    { key: 'updated', header: t('nom.list.updated'), sortValue: (n) => new Date(n.updatedAt), cell: (n) => formatDateTime(new Date(n.updatedAt), { dateStyle: 'medium', timeStyle: 'short' }) },
  ];

  return (
    <>
      <PageHeading>{t('nominations.title')}</PageHeading>
      <p class="lead">{t('track.nominations.summary')}</p>
      {load.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{load.message}</p>
        </div>
      )}
      {staff && (
        <div class="button-row">
          {admin && (
            <Link href={newCallPath} class="button">
              {t('nom.call.new')}
            </Link>
          )}
          <Link href={projectsPath} class="button button--secondary">
            {t('nom.trade.title')}
          </Link>
        </div>
      )}
      <section aria-labelledby="nom-calls-heading">
        <h2 id="nom-calls-heading">{t('nom.list.calls')}</h2>
        {load.kind === 'loading' && <p role="status">{t('nom.loading')}</p>}
        {load.kind === 'loaded' && calls.length === 0 && <p>{t('nom.list.noCalls')}</p>}
        <ul class="nom-calls">
          {calls.map((call) => (
            <li key={call.id} class="nom-call">
              <h3>{textIn(call.titles, language)}</h3>
              {textIn(call.descriptions, language) && <p>{textIn(call.descriptions, language)}</p>}
              <p class="nom-call__meta">
                {call.isOpen
                  ? t('nom.list.closesAt', { date: formatDateTime(new Date(call.closesAt), { dateStyle: 'long', timeStyle: 'short' }) })
                  : t('nom.list.closed')}
              </p>
              <div class="button-row">
                {call.isOpen && (
                  <Link href={newNominationPath(call.id)} class="button">
                    {t('nom.list.nominate')}
                  </Link>
                )}
                {staff && (
                  <Link href={boardPath(call.id)} class="button button--secondary">
                    {t('nom.list.board')}
                  </Link>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="nom-mine-heading">
        <h2 id="nom-mine-heading">{t('nom.list.mine')}</h2>
        <DataTable
          caption={t('nom.list.mineCaption')}
          columns={columns}
          rows={mine}
          rowKey={(n) => n.id}
          emptyText={load.kind === 'loading' ? t('nom.loading') : t('nom.list.mineEmpty')}
          busy={load.kind === 'loading'}
        />
      </section>
    </>
  );
}
