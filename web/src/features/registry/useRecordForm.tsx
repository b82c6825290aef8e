import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { CodedApiError } from '../../session/request';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { auditPathFor } from '../audit/paths';
import { newId } from './api';

export type RecordLoad<R> = { kind: 'loading' } | { kind: 'ready'; record: R | null } | { kind: 'notFound' } | { kind: 'failed'; error: unknown };

export interface RecordFormOptions<R, F, Q> {
  /** The record's id, or newId when creating one. */
  id: string;
  emptyForm: F | (() => F);
  toForm: (record: R) => F;
  get: (id: string) => Promise<R>;
  create: (request: Q) => Promise<R>;
  update: (id: string, request: Q, eTag: string) => Promise<R>;
  /** Where a newly created record lives. */
  pathFor: (id: string) => string;
}

/**
 * A registry record's edit form: loads the record (404 is "not found"), keeps the form, field
 * errors and error summary, and saves with the record's ETag, saying so when someone else changed it (412).
 */
export function useRecordForm<R extends { id: string; eTag: string }, F, Q>({ id, emptyForm, toForm, get, create, update, pathFor }: RecordFormOptions<R, F, Q>) {
  const { t } = useI18n();
  const toast = useToast();
  const creating = id === newId;
  const [load, setLoad] = useState<RecordLoad<R>>(creating ? { kind: 'ready', record: null } : { kind: 'loading' });
  const [form, setForm] = useState<F>(emptyForm);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  const reload = () => {
    if (creating) return;
    setLoad({ kind: 'loading' });
    get(id).then(
      (record) => {
        setLoad({ kind: 'ready', record });
        setForm(toForm(record));
        setStale(false);
        setSummary([]);
        setFieldErrors({});
      },
      (error: unknown) => setLoad(error instanceof CodedApiError && error.status === 404 ? { kind: 'notFound' } : { kind: 'failed', error }),
    );
  };

  useEffect(reload, [id]);

  const fail = (errors: SummaryError[], byField: Record<string, string> = {}) => {
    setFieldErrors(byField);
    setSummary(errors);
    setAttempt((n) => n + 1);
  };

  /** Creates or updates the record; fields maps the API's field names to input ids for its errors. */
  const save = async (request: Q, fields: Record<string, string>, savedMessage: (saved: R) => string) => {
    setBusy(true);
    try {
      const record = load.kind === 'ready' ? load.record : null;
      const saved = creating ? await create(request) : await update(id, request, record!.eTag);
      toast.show(savedMessage(saved), 'success');
      setSummary([]);
      setFieldErrors({});
      if (creating) {
        navigate(pathFor(saved.id), { replace: true });
      } else {
        setLoad({ kind: 'ready', record: saved });
        setForm(toForm(saved));
      }
    } catch (error) {
      if (error instanceof CodedApiError && error.status === 412) {
        setStale(true);
        fail([{ message: t('registry.stale') }]);
      } else if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
        const mapped = mapProblemErrors(error.errors, fields);
        fail(mapped.summary, mapped.fieldErrors);
      } else {
        fail([{ message: describeError(error, t) }]);
      }
    } finally {
      setBusy(false);
    }
  };

  const setRecord = (record: R) => setLoad({ kind: 'ready', record });

  return { creating, load, setRecord, form, setForm, fieldErrors, summary, attempt, stale, busy, reload, fail, save };
}

interface BackLink {
  href: string;
  text: string;
}

/** The page while the record loads, or when it cannot be shown. */
export function RecordUnavailable({ title, load, notFound, back }: { title: string; load: RecordLoad<unknown>; notFound: string; back: BackLink }) {
  const { t } = useI18n();
  if (load.kind === 'loading') {
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <p role="status">{t('registry.loading')}</p>
      </>
    );
  }
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p class="notice notice--error">{load.kind === 'notFound' ? notFound : load.kind === 'failed' ? describeError(load.error, t) : null}</p>
      <p>
        <Link href={back.href}>{back.text}</Link>
      </p>
    </>
  );
}

/** What stands above a record's form: the way back, its heading, its history for admins, errors and a reload after a 412. */
export function RecordFormTop({
  back,
  heading,
  audit,
  form,
}: {
  back: BackLink;
  heading: string;
  /** The record's type and id in the audit log; undefined when creating. */
  audit: { recordType: string; recordId: string } | undefined;
  form: { summary: SummaryError[]; attempt: number; stale: boolean; reload: () => void };
}) {
  const { t } = useI18n();
  const session = useSession();
  return (
    <>
      <p class="back-link">
        <Link href={back.href}>{back.text}</Link>
      </p>
      <PageHeading>{heading}</PageHeading>
      {audit && session.hasRole('admin') && (
        <p>
          <Link href={auditPathFor(audit.recordType, audit.recordId)}>{t('person.history')}</Link>
        </p>
      )}
      <ErrorSummary errors={form.summary} attempt={form.attempt} />
      {form.stale && (
        <p>
          <button type="button" class="button button--secondary" onClick={form.reload}>
            {t('registry.reload')}
          </button>
        </p>
      )}
    </>
  );
}
