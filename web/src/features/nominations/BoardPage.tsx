import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { StatusBadge } from '../../components/StatusBadge';
import { textIn } from '../../components/texts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { CodedApiError } from '../../session/request';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { decide, formatScore, getBoard, nominationsPath, startReview, type Board, type BoardEntry } from './api';
import { assignmentLabel, assignmentTone, nominationLabel, nominationTone, problemMessage } from './labels';
import './nominations.css';

type Load = { kind: 'loading' } | { kind: 'loaded'; board: Board } | { kind: 'failed'; message: string };

/** The ranked board of a call: scores, disagreement flags, each review; admins start the review and decide. */
export function BoardPage({ callId }: { callId: string }) {
  const { t, language, formatNumber } = useI18n();
  const session = useSession();
  const admin = session.hasRole('admin');
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = () =>
    getBoard(callId)
      .then((board) => setLoad({ kind: 'loaded', board }))
      .catch((error: unknown) => setLoad({ kind: 'failed', message: describeError(error, t) }));

  useEffect(() => {
    void refresh();
  }, [callId]);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await action();
      setMessage({ text: done, error: false });
      await refresh();
    } catch (error) {
      setMessage({ text: (error instanceof CodedApiError && problemMessage(t, error.code)) || describeError(error, t), error: true });
    } finally {
      setBusy(false);
    }
  };

  if (load.kind === 'loading') return <p role="status">{t('nom.loading')}</p>;
  if (load.kind === 'failed') {
    return (
      <>
        <PageHeading>{t('nom.board.title')}</PageHeading>
        <p class="notice notice--error">{load.message}</p>
      </>
    );
  }

  const { call, entries } = load.board;
  const columns: Column<BoardEntry>[] = [
    { key: 'rank', header: t('nom.board.rank'), sortValue: (e) => e.rank, cell: (e) => formatNumber(e.rank) },
    {
      key: 'title',
      header: t('nom.field.title'),
      rowHeader: true,
      sortValue: (e) => e.title,
      cell: (e) => (
        <>
          <span dir="auto">{e.title}</span>
          <br />
          <span class="nom-call__meta">{e.organisationName}</span>
        </>
      ),
    },
    { key: 'status', header: t('nom.list.status'), sortValue: (e) => e.status, cell: (e) => <StatusBadge label={nominationLabel(t, e.status)} tone={nominationTone(e.status)} /> },
    {
      key: 'score',
      header: t('nom.board.score'),
      sortValue: (e) => e.score ?? -1,
      cell: (e) => (
        <>
          {formatScore(e.score, formatNumber)}
          {e.aboveThreshold && <> ({t('nom.board.above')})</>}
          {e.disagreement && (
            <>
              <br />
              <span class="nom-flag">{t('nom.board.disagreement')}</span>
            </>
          )}
        </>
      ),
    },
    {
      key: 'reviews',
      header: t('nom.board.reviews'),
      sortValue: (e) => e.reviewCount,
      cell: (e) => (
        <details>
          <summary>{t('nom.board.reviewCount', { count: e.reviewCount, asked: e.reviews.length })}</summary>
          <ul class="nom-reviews">
            {e.reviews.map((r) => (
              <li key={r.reviewerId}>
                {r.reviewerName}: <StatusBadge label={assignmentLabel(t, r.status)} tone={assignmentTone(r.status)} />
                {r.weighted !== null && <> {formatScore(r.weighted, formatNumber)}</>}
                {r.comment && (
                  <>
                    {' '}
                    — <span dir="auto">{r.comment}</span>
                  </>
                )}
                {r.conflictReason && (
                  <>
                    {' '}
                    — <span dir="auto">{r.conflictReason}</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </details>
      ),
    },
  ];
  if (admin) {
    columns.push({
      key: 'decision',
      header: t('nom.board.decision'),
      cell: (e) =>
        e.status === 'selected' || e.status === 'rejected' ? (
          nominationLabel(t, e.status)
        ) : (
          <div class="button-row">
            <button type="button" class="button button--small" disabled={busy} onClick={() => void run(() => decide(callId, e.nominationId, 'selected'), t('nom.board.decided'))}>
              {t('nom.board.select', { title: e.title })}
            </button>
            <button type="button" class="button button--secondary button--small" disabled={busy} onClick={() => void run(() => decide(callId, e.nominationId, 'rejected'), t('nom.board.decided'))}>
              {t('nom.board.reject', { title: e.title })}
            </button>
          </div>
        ),
    });
  }

  return (
    <>
      <PageHeading>{t('nom.board.title')}</PageHeading>
      <p class="lead">{textIn(call.titles, language)}</p>
      <p>{call.reviewStartedAt ? t('nom.board.reviewStarted') : call.isOpen ? t('nom.board.open') : t('nom.board.closed')}</p>
      <p>{t('nom.board.threshold', { threshold: formatNumber(call.threshold) })}</p>
      {message && (
        <p class={message.error ? 'notice notice--error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <div class="button-row">
        {admin && !call.reviewStartedAt && (
          <button type="button" class="button" disabled={busy} onClick={() => void run(() => startReview(callId), t('nom.board.started'))}>
            {t('nom.board.startReview')}
          </button>
        )}
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => void refresh()}>
          {t('nom.board.refresh')}
        </button>
      </div>
      <DataTable caption={t('nom.board.caption')} columns={columns} rows={entries} rowKey={(e) => e.nominationId} emptyText={t('nom.board.empty')} exportFileName={`board-${callId}.csv`} />
      <p>
        <Link href={nominationsPath}>{t('nom.form.back')}</Link>
      </p>
    </>
  );
}
