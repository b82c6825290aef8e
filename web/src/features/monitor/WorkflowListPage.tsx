import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { isApiError } from '../../api/http';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import { emptyFilter, listOrchestrations, orchestrationStatuses, type OrchestrationFilter, type OrchestrationSummary } from './api';
import { workflowPath } from './paths';
import { OrchestrationStatusBadge, useStatusLabel } from './status';

interface FormState {
  statuses: string[];
  name: string;
  createdFrom: string;
  createdTo: string;
}

const emptyForm: FormState = { statuses: [], name: '', createdFrom: '', createdTo: '' };

const fieldIds = {
  status: 'filter-status-Pending',
  name: 'filter-name',
  createdFrom: 'filter-created-from',
  createdTo: 'filter-created-to',
} as const;

type Load =
  | { kind: 'loading' }
  | { kind: 'loaded'; items: OrchestrationSummary[]; next: string | null }
  | { kind: 'failed' };

/** A datetime-local value ("2025-01-31T09:30") read in the reader's time zone, as an ISO instant. */
function toIso(local: string): string | null {
  if (local === '') return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function WorkflowListPage() {
  const { t, formatDateTime } = useI18n();
  const statusLabel = useStatusLabel();
  const [form, setForm] = useState<FormState>(emptyForm);
  const [filter, setFilter] = useState<OrchestrationFilter>(emptyFilter);
  // The continuation token of every page up to the current one; the first page has none.
  const [tokens, setTokens] = useState<(string | null)[]>([null]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const controller = useRef<AbortController | null>(null);

  const token = tokens[tokens.length - 1] ?? null;

  const fetchPage = useCallback(
    (currentFilter: OrchestrationFilter, currentToken: string | null) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setLoad((previous) => (previous.kind === 'loaded' ? previous : { kind: 'loading' }));
      setAnnouncement(t('monitor.list.loading'));
      listOrchestrations(currentFilter, currentToken, { signal: abort.signal }).then(
        (page) => {
          if (abort.signal.aborted) return;
          setLoad({ kind: 'loaded', items: page.items, next: page.continuationToken });
          setAnnouncement(t('monitor.list.loaded', { count: page.items.length }));
          setSummary([]);
          setFieldErrors({});
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          setLoad({ kind: 'failed' });
          setAnnouncement('');
          // A 400 names the filter that is wrong; anything else is one message.
          if (isApiError(error) && Object.keys(error.errors).length > 0) {
            const mapped = mapProblemErrors(error.errors, fieldIds);
            setFieldErrors(mapped.fieldErrors);
            setSummary(mapped.summary);
          } else {
            setFieldErrors({});
            setSummary([{ message: describeError(error, t) }]);
          }
          setAttempt((n) => n + 1);
        },
      );
    },
    [t],
  );

  useEffect(() => {
    fetchPage(filter, token);
  }, [filter, token, fetchPage]);

  useEffect(() => () => controller.current?.abort(), []);

  const submit = (event: Event) => {
    event.preventDefault();
    const errors: SummaryError[] = [];
    const fields: Record<string, string> = {};
    const from = toIso(form.createdFrom);
    const to = toIso(form.createdTo);
    if (from === null) {
      fields[fieldIds.createdFrom] = t('monitor.filters.dateInvalid');
    }
    if (to === null) {
      fields[fieldIds.createdTo] = t('monitor.filters.dateInvalid');
    }
    if (from && to && from > to) {
      fields[fieldIds.createdTo] = t('monitor.filters.rangeError');
    }
    for (const [fieldId, message] of Object.entries(fields)) {
      errors.push({ fieldId, message });
    }
    setFieldErrors(fields);
    setSummary(errors);
    if (errors.length > 0) {
      setAttempt((n) => n + 1);
      return;
    }
    setFilter({ statuses: form.statuses, name: form.name, createdFrom: from ?? '', createdTo: to ?? '' });
    setTokens([null]);
  };

  const clear = () => {
    setForm(emptyForm);
    setFieldErrors({});
    setSummary([]);
    setFilter(emptyFilter);
    setTokens([null]);
  };

  const toggleStatus = (status: string, checked: boolean) =>
    setForm((f) => ({
      ...f,
      statuses: checked ? orchestrationStatuses.filter((s) => s === status || f.statuses.includes(s)) : f.statuses.filter((s) => s !== status),
    }));

  const date = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : <time dateTime={iso}>{formatDateTime(d)}</time>;
  };

  const columns: Column<OrchestrationSummary>[] = [
    {
      key: 'instanceId',
      header: t('monitor.column.instanceId'),
      cell: (row) => (
        <Link href={workflowPath(row.instanceId)} class="monospace">
          {row.instanceId}
        </Link>
      ),
      sortValue: (row) => row.instanceId,
    },
    { key: 'name', header: t('monitor.column.name'), cell: (row) => row.name, sortValue: (row) => row.name },
    {
      key: 'status',
      header: t('monitor.column.status'),
      cell: (row) => <OrchestrationStatusBadge status={row.status} />,
      sortValue: (row) => statusLabel(row.status),
      csvValue: (row) => row.status,
    },
    { key: 'version', header: t('monitor.column.version'), cell: (row) => row.version ?? '', sortValue: (row) => row.version },
    {
      key: 'createdAt',
      header: t('monitor.column.createdAt'),
      cell: (row) => date(row.createdAt),
      sortValue: (row) => new Date(row.createdAt),
      csvValue: (row) => row.createdAt,
    },
    {
      key: 'lastUpdatedAt',
      header: t('monitor.column.lastUpdatedAt'),
      cell: (row) => date(row.lastUpdatedAt),
      sortValue: (row) => new Date(row.lastUpdatedAt),
      csvValue: (row) => row.lastUpdatedAt,
    },
  ];

  const rows = load.kind === 'loaded' ? load.items : [];
  const next = load.kind === 'loaded' ? load.next : null;

  return (
    <>
      <PageHeading>{t('monitor.list.title')}</PageHeading>
      <p class="lead">{t('monitor.list.intro')}</p>

      <ErrorSummary errors={summary} attempt={attempt} />

      <form class="filters" onSubmit={submit} noValidate aria-labelledby="filters-heading">
        <h2 id="filters-heading">{t('monitor.filters.heading')}</h2>
        <fieldset class="filters__statuses">
          <legend>{t('monitor.filters.status')}</legend>
          <p class="form-field__hint" id="filter-status-hint">
            {t('monitor.filters.statusHint')}
          </p>
          <div class="checkboxes">
            {orchestrationStatuses.map((status) => (
              <div class="checkbox" key={status}>
                <input
                  type="checkbox"
                  id={`filter-status-${status}`}
                  name="status"
                  value={status}
                  checked={form.statuses.includes(status)}
                  aria-describedby={status === 'Pending' ? 'filter-status-hint' : undefined}
                  onChange={(event) => toggleStatus(status, event.currentTarget.checked)}
                />
                <label for={`filter-status-${status}`}>{statusLabel(status)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <div class="filters__fields">
          <FormField id={fieldIds.name} label={t('monitor.filters.name')} hint={t('monitor.filters.nameHint')} error={fieldErrors[fieldIds.name]}>
            {(control) => (
              <input
                {...control}
                type="text"
                name="name"
                class="input"
                autoComplete="off"
                spellcheck={false}
                value={form.name}
                onInput={(event) => setForm((f) => ({ ...f, name: event.currentTarget.value }))}
              />
            )}
          </FormField>
          <FormField
            id={fieldIds.createdFrom}
            label={t('monitor.filters.createdFrom')}
            hint={t('monitor.filters.dateHint')}
            error={fieldErrors[fieldIds.createdFrom]}
          >
            {(control) => (
              <input
                {...control}
                type="datetime-local"
                name="createdFrom"
                class="input"
                value={form.createdFrom}
                onInput={(event) => setForm((f) => ({ ...f, createdFrom: event.currentTarget.value }))}
              />
            )}
          </FormField>
          <FormField
            id={fieldIds.createdTo}
            label={t('monitor.filters.createdTo')}
            hint={t('monitor.filters.dateHint')}
            error={fieldErrors[fieldIds.createdTo]}
          >
            {(control) => (
              <input
                {...control}
                type="datetime-local"
                name="createdTo"
                class="input"
                value={form.createdTo}
                onInput={(event) => setForm((f) => ({ ...f, createdTo: event.currentTarget.value }))}
              />
            )}
          </FormField>
        </div>
        <div class="button-row">
          <button type="submit" class="button">
            {t('monitor.filters.apply')}
          </button>
          <button type="button" class="button button--secondary" onClick={clear}>
            {t('monitor.filters.clear')}
          </button>
        </div>
      </form>

      <p class="visually-hidden" role="status">
        {announcement}
      </p>

      <section aria-labelledby="results-heading" class="results">
        <h2 id="results-heading">{t('monitor.list.results')}</h2>
        {load.kind === 'loading' ? (
          <p>{t('monitor.list.loading')}</p>
        ) : (
          <DataTable
            caption={
              <>
                {t('monitor.list.caption')}{' '}
                <span class="data-table__caption-count">{t('monitor.list.count', { count: rows.length })}</span>
              </>
            }
            columns={columns}
            rows={rows}
            rowKey={(row) => row.instanceId}
            emptyText={load.kind === 'failed' ? t('monitor.list.failed') : t('monitor.list.empty')}
            exportFileName="workflows.csv"
            serverPaging={{
              page: tokens.length,
              hasPrevious: tokens.length > 1,
              hasNext: next !== null,
              onPrevious: () => setTokens((stack) => (stack.length > 1 ? stack.slice(0, -1) : stack)),
              onNext: () => {
                if (next) setTokens((stack) => [...stack, next]);
              },
            }}
          />
        )}
      </section>
    </>
  );
}
