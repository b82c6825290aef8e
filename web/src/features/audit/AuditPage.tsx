import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useI18n } from '../../i18n/I18nProvider';
import { isMessageKey } from '../../i18n/catalogue';
import { CodedApiError, send } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { diffSnapshots, parseSnapshot, pretty } from './diff';

export interface AuditEntry {
  recordType: string;
  recordId: string;
  action: string;
  actor: string;
  actorName: string | null;
  at: string;
  before: string | null;
  after: string | null;
}

interface AuditPage {
  items: AuditEntry[];
  continuation: string | null;
}

export interface AuditFilter {
  recordType: string;
  recordId: string;
  actor: string;
  /** yyyy-mm-dd in the reader's calendar, or empty. */
  from: string;
  to: string;
}

export const recordTypes = ['person', 'organisation', 'newsletter-subscription', 'email'] as const;
const pageSize = 25;

const ids = {
  recordType: 'audit-record-type',
  recordId: 'audit-record-id',
  actor: 'audit-actor',
  from: 'audit-from',
  to: 'audit-to',
} as const;

/** A filter from the page address (?recordType=person&recordId=…), so "History" links land filtered. */
export function filterFromSearch(search: string): AuditFilter {
  const query = new URLSearchParams(search);
  return {
    recordType: query.get('recordType') ?? '',
    recordId: query.get('recordId') ?? '',
    actor: query.get('actor') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
}

/** Dates are whole days in the reader's time zone: "to" includes all of that day. */
export function auditUrl(filter: AuditFilter, continuation: string | null): string {
  const query = new URLSearchParams();
  if (filter.recordType.trim()) query.set('recordType', filter.recordType.trim());
  if (filter.recordId.trim()) query.set('recordId', filter.recordId.trim());
  if (filter.actor.trim()) query.set('actor', filter.actor.trim());
  if (filter.from) query.set('from', new Date(`${filter.from}T00:00:00`).toISOString());
  if (filter.to) query.set('to', new Date(`${filter.to}T23:59:59.999`).toISOString());
  query.set('pageSize', String(pageSize));
  if (continuation) query.set('continuation', continuation);
  return `/api/admin/audit?${query.toString()}`;
}

export function AuditLogPage() {
  return (
    <RequireRole roles={['admin']} titleKey="audit.title">
      <AuditLog />
    </RequireRole>
  );
}

type Load = { kind: 'loading' } | { kind: 'loaded'; page: AuditPage } | { kind: 'failed' };

function AuditLog() {
  const { t, formatNumber } = useI18n();
  const [form, setForm] = useState<AuditFilter>(() => filterFromSearch(window.location.search));
  const [filter, setFilter] = useState<AuditFilter>(form);
  // The continuation token of every page so far; the first page has none.
  const [tokens, setTokens] = useState<(string | null)[]>([null]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const token = tokens[tokens.length - 1] ?? null;

  useEffect(() => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setLoad((previous) => (previous.kind === 'loaded' ? previous : { kind: 'loading' }));
    send<AuditPage>('GET', auditUrl(filter, token), { signal: abort.signal }).then(
      (page) => {
        if (abort.signal.aborted) return;
        setLoad({ kind: 'loaded', page: { items: page?.items ?? [], continuation: page?.continuation || null } });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setLoad({ kind: 'failed' });
        if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
          const mapped = mapProblemErrors(error.errors, ids);
          setFieldErrors(mapped.fieldErrors);
          setSummary(mapped.summary);
        } else {
          setSummary([{ message: describeError(error, t) }]);
        }
        setAttempt((n) => n + 1);
      },
    );
    return () => abort.abort();
  }, [filter, token]);

  const submit = (event: Event) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (form.recordId.trim() !== '' && form.recordType.trim() === '') errors[ids.recordType] = t('audit.recordTypeRequired');
    if (form.from && form.to && form.from > form.to) errors[ids.to] = t('audit.rangeError');
    if (Object.keys(errors).length > 0) {
      setFieldErrors(errors);
      setSummary(Object.entries(errors).map(([fieldId, message]) => ({ fieldId, message })));
      setAttempt((n) => n + 1);
      return;
    }
    setFieldErrors({});
    setSummary([]);
    setFilter({ ...form });
    setTokens([null]);
    const query = new URLSearchParams(Object.entries(form).filter(([, v]) => v.trim() !== ''));
    window.history.replaceState(null, '', `${window.location.pathname}${query.size > 0 ? `?${query.toString()}` : ''}`);
  };

  const set = (field: keyof AuditFilter) => (event: Event) =>
    setForm({ ...form, [field]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });

  const items = load.kind === 'loaded' ? load.page.items : [];
  const next = load.kind === 'loaded' ? load.page.continuation : null;

  return (
    <>
      <PageHeading>{t('audit.title')}</PageHeading>
      <p class="lead">{t('audit.intro')}</p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form class="filters" onSubmit={submit} noValidate aria-labelledby="audit-filters-heading">
        <h2 id="audit-filters-heading">{t('audit.filters')}</h2>
        <div class="filters__fields">
          <FormField id={ids.recordType} label={t('audit.recordType')} error={fieldErrors[ids.recordType]}>
            {(c) => (
              <select {...c} class="input" value={form.recordType} onChange={set('recordType')}>
                <option value="">{t('audit.anyType')}</option>
                {recordTypes.map((type) => (
                  <option key={type} value={type}>
                    {t(`audit.type.${type}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField id={ids.recordId} label={t('audit.recordId')} hint={t('audit.recordIdHint')} optional error={fieldErrors[ids.recordId]}>
            {(c) => <input {...c} class="input" type="text" dir="ltr" spellcheck={false} value={form.recordId} onInput={set('recordId')} />}
          </FormField>
          <FormField id={ids.actor} label={t('audit.actor')} hint={t('audit.actorHint')} optional error={fieldErrors[ids.actor]}>
            {(c) => <input {...c} class="input" type="text" dir="ltr" spellcheck={false} value={form.actor} onInput={set('actor')} />}
          </FormField>
          <FormField id={ids.from} label={t('audit.from')} optional error={fieldErrors[ids.from]}>
            {(c) => <input {...c} class="input" type="date" value={form.from} onInput={set('from')} />}
          </FormField>
          <FormField id={ids.to} label={t('audit.to')} optional error={fieldErrors[ids.to]}>
            {(c) => <input {...c} class="input" type="date" value={form.to} onInput={set('to')} />}
          </FormField>
        </div>
        <div class="button-row">
          <button type="submit" class="button">
            {t('audit.search')}
          </button>
        </div>
      </form>
      <div class="data-table">
        <div class="data-table__scroll">
          <table aria-busy={load.kind === 'loading' ? 'true' : undefined}>
            <caption>
              {t('audit.caption')}{' '}
              {load.kind === 'loaded' && <span class="data-table__caption-count">{t('audit.count', { count: formatNumber(items.length) })}</span>}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.record')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {items.length === 0 ? (
                <tr>
                  <td colSpan={5} class="data-table__empty">
                    {load.kind === 'loading' ? t('registry.loading') : load.kind === 'failed' ? t('audit.failed') : t('audit.empty')}
                  </td>
                </tr>
              ) : (
                items.map((entry, index) => <AuditRow key={`${entry.recordType}|${entry.recordId}|${entry.at}|${index}`} entry={entry} />)
              )}
            </tbody>
          </table>
        </div>
        <div class="data-table__footer">
          <nav class="data-table__paging" aria-label={t('table.pagination')}>
            <button
              type="button"
              class="button button--secondary"
              aria-disabled={tokens.length > 1 ? undefined : 'true'}
              onClick={() => tokens.length > 1 && setTokens(tokens.slice(0, -1))}
            >
              {t('table.previous')}
            </button>
            <span class="data-table__page-status" role="status">
              {t('table.pageStatusOpen', { page: tokens.length })}
            </span>
            <button
              type="button"
              class="button button--secondary"
              aria-disabled={next ? undefined : 'true'}
              onClick={() => next && setTokens([...tokens, next])}
            >
              {t('table.next')}
            </button>
          </nav>
        </div>
      </div>
    </>
  );
}

function recordTypeLabel(t: ReturnType<typeof useI18n>['t'], type: string): string {
  const key = `audit.type.${type}`;
  return isMessageKey(key) ? t(key) : type;
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t, formatDateTime } = useI18n();
  const before = parseSnapshot(entry.before);
  const after = parseSnapshot(entry.after);
  const changes = diffSnapshots(before, after);
  const at = new Date(entry.at);
  return (
    <tr>
      <th scope="row">
        <time dateTime={entry.at}>{Number.isNaN(at.getTime()) ? entry.at : formatDateTime(at)}</time>
      </th>
      <td>
        {recordTypeLabel(t, entry.recordType)}
        <br />
        <span class="monospace" dir="ltr">
          {entry.recordId}
        </span>
      </td>
      <td>
        <span class="monospace">{entry.action}</span>
      </td>
      <td>
        {entry.actorName ?? ''}
        {entry.actorName && <br />}
        <span class="monospace" dir="ltr">
          {entry.actor}
        </span>
      </td>
      <td>
        {changes.length === 0 ? (
          <span>{t('audit.noChanges')}</span>
        ) : (
          <table class="audit-diff">
            <caption class="visually-hidden">{t('audit.diffCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.field')}</th>
                <th scope="col">{t('audit.before')}</th>
                <th scope="col">{t('audit.after')}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.field}>
                  <th scope="row" class="monospace">
                    {c.field || '–'}
                  </th>
                  <td class="audit-diff__before" dir="auto">
                    {c.before === null ? <span class="visually-hidden">{t('audit.noValue')}</span> : <del>{c.before}</del>}
                  </td>
                  <td class="audit-diff__after" dir="auto">
                    {c.after === null ? <span class="visually-hidden">{t('audit.noValue')}</span> : <ins>{c.after}</ins>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(entry.before || entry.after) && (
          <details class="audit-raw">
            <summary>{t('audit.raw')}</summary>
            {entry.before && (
              <>
                <h3 class="audit-raw__heading">{t('audit.before')}</h3>
                <pre class="json" dir="ltr" tabIndex={0}>
                  {pretty(before)}
                </pre>
              </>
            )}
            {entry.after && (
              <>
                <h3 class="audit-raw__heading">{t('audit.after')}</h3>
                <pre class="json" dir="ltr" tabIndex={0}>
                  {pretty(after)}
                </pre>
              </>
            )}
          </details>
        )}
      </td>
    </tr>
  );
}
