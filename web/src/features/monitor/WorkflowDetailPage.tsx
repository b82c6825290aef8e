import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { isApiError } from '../../api/http';
import { ErrorSummary } from '../../components/ErrorSummary';
import { ProgressBar } from '../../components/ProgressBar';
import { Timeline, type TimelineEvent } from '../../components/Timeline';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import { isMessageKey } from '../../i18n/catalogue';
import { Link, navigate, usePath } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import { ConfirmActionDialog, RaiseEventDialog, actionLabels, type ActionKind } from './ActionDialogs';
import {
  control,
  finishedStatuses,
  getOrchestration,
  liveStatuses,
  purge,
  raiseEvent,
  type HistoryEvent,
  type OrchestrationDetail,
} from './api';
import { progressFrom } from './progress';
import { OrchestrationStatusBadge, useStatusLabel } from './status';
import { workflowsPath } from './paths';

/** How often a live instance is read again. */
export const pollIntervalMs = 2000;

type Load =
  | { kind: 'loading' }
  | { kind: 'loaded'; detail: OrchestrationDetail }
  | { kind: 'notFound' }
  | { kind: 'failed'; message: string };

export function instanceIdFromPath(path: string): string {
  const rest = path.slice(workflowsPath.length + 1);
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** JSON for a `<pre>`: a string that itself holds JSON (as durable payloads often do) is unpacked. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

export function WorkflowDetailPage() {
  const path = usePath();
  const instanceId = instanceIdFromPath(path);
  const { t, formatDateTime } = useI18n();
  const toast = useToast();
  const statusLabel = useStatusLabel();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [pollError, setPollError] = useState<{ message: string; attempt: number } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [refresh, setRefresh] = useState(0);
  const [confirm, setConfirm] = useState<Exclude<ActionKind, 'raiseEvent'> | null>(null);
  const [raising, setRaising] = useState(false);
  const lastStatus = useRef<string | null>(null);
  const actionsHeading = useRef<HTMLHeadingElement>(null);
  const lastActions = useRef<string | null>(null);

  // Reads the instance; while it is live, reads it again every 2 s. Stops when it finishes, on an
  // error, or when the page goes away. `refresh` restarts the loop (after an action).
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = new AbortController();
    const tick = () => {
      getOrchestration(instanceId, { signal: abort.signal }).then(
        (detail) => {
          if (stopped) return;
          const status = detail.instance.status;
          if (lastStatus.current !== null && lastStatus.current !== status) {
            setAnnouncement(t('monitor.detail.statusChanged', { status: statusLabel(status) }));
          }
          lastStatus.current = status;
          setLoad({ kind: 'loaded', detail });
          setPollError(null);
          if (liveStatuses.has(status)) {
            timer = setTimeout(tick, pollIntervalMs);
          }
        },
        (error: unknown) => {
          if (stopped) return;
          if (isApiError(error) && error.status === 404) {
            setLoad({ kind: 'notFound' });
            return;
          }
          const message = describeError(error, t);
          setLoad((current) => (current.kind === 'loaded' ? current : { kind: 'failed', message }));
          setPollError((e) => ({ message, attempt: (e?.attempt ?? 0) + 1 }));
          if (lastStatus.current !== null) {
            // Live updates stopped on a page already shown: say so without moving focus.
            toast.show(t('monitor.detail.pollFailed', { message }), 'error');
          }
        },
      );
    };
    tick();
    return () => {
      stopped = true;
      abort.abort();
      clearTimeout(timer);
    };
    // t and statusLabel change with the language only; a language switch need not restart polling.
  }, [instanceId, refresh]);

  const reload = useCallback(() => setRefresh((n) => n + 1), []);

  const onConfirm = async (action: Exclude<ActionKind, 'raiseEvent'>, reason: string) => {
    if (action === 'purge') {
      await purge(instanceId);
      setConfirm(null);
      toast.show(t('monitor.done.purge', { id: instanceId }), 'success');
      navigate(workflowsPath);
      return;
    }
    await control(instanceId, action, reason);
    setConfirm(null);
    toast.show(t(action === 'terminate' ? 'monitor.done.terminate' : action === 'suspend' ? 'monitor.done.suspend' : 'monitor.done.resume'), 'success');
    reload();
  };

  const onRaise = async (eventName: string, data: unknown) => {
    await raiseEvent(instanceId, eventName, data);
    setRaising(false);
    toast.show(t('monitor.done.raiseEvent', { name: eventName }), 'success');
    reload();
  };

  const liveStatus = load.kind === 'loaded' ? load.detail.instance.status : null;
  const available: ActionKind[] =
    liveStatus === null
      ? []
      : liveStatus === 'Suspended'
        ? ['resume', 'terminate', 'raiseEvent']
        : liveStatuses.has(liveStatus)
          ? ['suspend', 'terminate', 'raiseEvent']
          : finishedStatuses.has(liveStatus)
            ? ['purge']
            : [];
  const actionsKey = available.join(',');

  // When the action buttons change under the reader (say Terminate is gone once the instance has
  // stopped) and focus was on one of them, focus moves to the actions heading, not the page top.
  useLayoutEffect(() => {
    const previous = lastActions.current;
    lastActions.current = actionsKey;
    if (previous === null || previous === actionsKey) return;
    const active = document.activeElement;
    if ((!active || active === document.body) && !document.querySelector('dialog[open]')) {
      actionsHeading.current?.focus();
    }
  }, [actionsKey]);

  const back = (
    <p class="back-link">
      <Link href={workflowsPath}>{t('monitor.detail.back')}</Link>
    </p>
  );

  if (load.kind !== 'loaded') {
    return (
      <>
        {back}
        <PageHeading>{t('monitor.detail.title')}</PageHeading>
        <p class="monospace">{instanceId}</p>
        {load.kind === 'loading' && <p role="status">{t('monitor.detail.loading')}</p>}
        {load.kind === 'notFound' && <p class="notice">{t('monitor.detail.notFound', { id: instanceId })}</p>}
        {load.kind === 'failed' && (
          <>
            <ErrorSummary errors={[{ message: load.message }]} attempt={pollError?.attempt ?? 1} />
            <button type="button" class="button" onClick={reload}>
              {t('monitor.detail.retry')}
            </button>
          </>
        )}
      </>
    );
  }

  const { instance, input, output, history } = load.detail;
  const status = instance.status;
  const live = liveStatuses.has(status);
  const progress = progressFrom(instance.customStatus);


  const date = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : <time dateTime={d.toISOString()}>{formatDateTime(d, { dateStyle: 'medium', timeStyle: 'medium' })}</time>;
  };

  const counterLabel = (key: string) => {
    const messageKey = `monitor.progress.${key.toLowerCase()}`;
    return isMessageKey(messageKey) ? t(messageKey) : key;
  };

  const events: TimelineEvent[] = history.map((event: HistoryEvent, index) => ({
    id: `${index}`,
    time: event.timestamp ? new Date(event.timestamp) : null,
    title: (
      <>
        <span class="timeline__type">{event.eventType}</span>
        {event.name && (
          <>
            {' · '}
            <span dir="auto">{event.name}</span>
          </>
        )}
        {event.taskId !== null && event.taskId !== undefined && (
          <span class="timeline__task"> {t('monitor.detail.taskId', { id: String(event.taskId) })}</span>
        )}
      </>
    ),
    detail:
      isEmpty(event.data) && isEmpty(event.failureDetails) ? undefined : (
        <>
          {!isEmpty(event.failureDetails) && (
            <p class="timeline__failure">
              <strong>{t('monitor.detail.failure')}:</strong> <span dir="auto">{typeof event.failureDetails === 'string' ? event.failureDetails : prettyJson(event.failureDetails)}</span>
            </p>
          )}
          {!isEmpty(event.data) && (
            <pre class="json" dir="ltr" tabIndex={0}>
              {prettyJson(event.data)}
            </pre>
          )}
        </>
      ),
  }));

  return (
    <>
      {back}
      <PageHeading>
        {t('monitor.detail.title')} <span class="monospace heading-id">{instance.instanceId}</span>
      </PageHeading>

      <p class="visually-hidden" role="status">
        {announcement}
      </p>

      {pollError && (
        <div class="notice notice--error">
          <p>{t('monitor.detail.pollFailed', { message: pollError.message })}</p>
          <button type="button" class="button" onClick={reload}>
            {t('monitor.detail.retry')}
          </button>
        </div>
      )}

      <div class="detail-grid">
        <section aria-labelledby="summary-heading" class="panel">
          <h2 id="summary-heading">{t('monitor.detail.summary')}</h2>
          <dl class="summary-list">
            <div>
              <dt>{t('monitor.column.status')}</dt>
              <dd>
                <OrchestrationStatusBadge status={status} />
                {live && <span class="live-note"> {t('monitor.detail.live', { count: pollIntervalMs / 1000 })}</span>}
              </dd>
            </div>
            <div>
              <dt>{t('monitor.column.name')}</dt>
              <dd dir="auto">{instance.name}</dd>
            </div>
            <div>
              <dt>{t('monitor.column.version')}</dt>
              <dd>{instance.version || t('monitor.detail.none')}</dd>
            </div>
            <div>
              <dt>{t('monitor.column.createdAt')}</dt>
              <dd>{date(instance.createdAt)}</dd>
            </div>
            <div>
              <dt>{t('monitor.column.lastUpdatedAt')}</dt>
              <dd>{date(instance.lastUpdatedAt)}</dd>
            </div>
            {instance.failureMessage && (
              <div>
                <dt>{t('monitor.detail.failure')}</dt>
                <dd dir="auto" class="failure-text">
                  {instance.failureMessage}
                </dd>
              </div>
            )}
          </dl>

          {progress.length > 0 && (
            <div class="progress-group" role="group" aria-labelledby="progress-heading">
              <h3 id="progress-heading">{t('monitor.detail.progress')}</h3>
              {progress.map((part) => (
                <ProgressBar key={part.key} label={counterLabel(part.key)} value={part.value} max={part.max} />
              ))}
            </div>
          )}

          <h3>{t('monitor.detail.customStatus')}</h3>
          {isEmpty(instance.customStatus) ? (
            <p>{t('monitor.detail.none')}</p>
          ) : (
            <pre class="json" dir="ltr" tabIndex={0}>
              {prettyJson(instance.customStatus)}
            </pre>
          )}
        </section>

        <section aria-labelledby="actions-heading" class="panel">
          <h2 id="actions-heading" ref={actionsHeading} tabIndex={-1}>
            {t('monitor.actions.heading')}
          </h2>
          {available.length === 0 ? (
            <p>{t('monitor.actions.none')}</p>
          ) : (
            <div class="button-row">
              {available.map((action) => (
                <button
                  key={action}
                  type="button"
                  class={action === 'terminate' || action === 'purge' ? 'button button--danger' : 'button'}
                  onClick={() => (action === 'raiseEvent' ? setRaising(true) : setConfirm(action))}
                >
                  {t(actionLabels[action])}
                </button>
              ))}
            </div>
          )}
        </section>
      </div>

      <section aria-labelledby="input-heading">
        <h2 id="input-heading">{t('monitor.detail.input')}</h2>
        {isEmpty(input) ? <p>{t('monitor.detail.none')}</p> : <pre class="json" dir="ltr" tabIndex={0}>{prettyJson(input)}</pre>}
      </section>
      <section aria-labelledby="output-heading">
        <h2 id="output-heading">{t('monitor.detail.output')}</h2>
        {isEmpty(output) ? <p>{t('monitor.detail.none')}</p> : <pre class="json" dir="ltr" tabIndex={0}>{prettyJson(output)}</pre>}
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('monitor.detail.history')}</h2>
        <Timeline events={events} label={t('monitor.detail.history')} emptyText={t('monitor.detail.historyEmpty')} />
      </section>

      <ConfirmActionDialog action={confirm} instanceId={instanceId} onClose={() => setConfirm(null)} onConfirm={onConfirm} />
      <RaiseEventDialog open={raising} onClose={() => setRaising(false)} onRaise={onRaise} />
    </>
  );
}
