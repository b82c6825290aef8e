import { useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { CodedApiError } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { confirmImport, peoplePath, previewImport, type ImportPreview, type ImportResult } from './api';
import { registryRoles } from './PeopleListPage';

export const importColumns = ['name', 'email', 'organisationId', 'networkRole', 'preferredLanguage', 'consentGivenAt', 'consentTextVersion'] as const;
const fileId = 'import-file';

export function ImportPage() {
  return (
    <RequireRole roles={registryRoles} titleKey="import.title">
      <Import />
    </RequireRole>
  );
}

type Stage =
  | { kind: 'choose' }
  | { kind: 'checking' }
  | { kind: 'preview'; preview: ImportPreview; fileName: string }
  | { kind: 'confirming'; preview: ImportPreview; fileName: string }
  | { kind: 'imported'; result: ImportResult };

/**
 * CSV import in two steps: the server checks the file and lists every row with its problems,
 * importing nothing; the reader confirms only a file without errors.
 */
function Import() {
  const { t, formatNumber } = useI18n();
  const [stage, setStage] = useState<Stage>({ kind: 'choose' });
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);
  const resultRef = useRef<HTMLHeadingElement>(null);

  const fail = (errors: SummaryError[], field: string | null = null) => {
    setSummary(errors);
    setFieldError(field);
    setAttempt((n) => n + 1);
  };

  const check = async (event: Event) => {
    event.preventDefault();
    if (!file) {
      const message = t('import.fileRequired');
      fail([{ fieldId: fileId, message }], message);
      return;
    }
    setStage({ kind: 'checking' });
    try {
      const preview = await previewImport(file);
      setSummary([]);
      setFieldError(null);
      setStage({ kind: 'preview', preview, fileName: file.name });
      setTimeout(() => resultRef.current?.focus(), 0);
    } catch (error) {
      setStage({ kind: 'choose' });
      // The file as a whole is wrong (columns, encoding, empty): the message names why.
      const messages = error instanceof CodedApiError ? Object.values(error.errors).flat() : [];
      if (messages.length > 0) {
        fail(messages.map((message) => ({ fieldId: fileId, message })), messages.join(' '));
      } else {
        fail([{ message: describeError(error, t) }]);
      }
    }
  };

  const confirm = async () => {
    if (stage.kind !== 'preview') return;
    setStage({ kind: 'confirming', preview: stage.preview, fileName: stage.fileName });
    try {
      const result = await confirmImport(stage.preview.importId);
      setSummary([]);
      setStage({ kind: 'imported', result });
      setTimeout(() => resultRef.current?.focus(), 0);
    } catch (error) {
      setStage({ kind: 'preview', preview: stage.preview, fileName: stage.fileName });
      fail([{ message: error instanceof CodedApiError && error.code === 'import_has_errors' ? error.title : describeError(error, t) }]);
    }
  };

  if (stage.kind === 'imported') {
    return (
      <>
        <PageHeading>{t('import.title')}</PageHeading>
        <h2 ref={resultRef} tabIndex={-1}>
          {t('import.doneHeading')}
        </h2>
        <p class="notice" role="status">
          {t('import.done', { count: stage.result.imported })}
        </p>
        <div class="button-row">
          <Link href={peoplePath} class="button">
            {t('import.toPeople')}
          </Link>
          <button
            type="button"
            class="button button--secondary"
            onClick={() => {
              setFile(null);
              setStage({ kind: 'choose' });
            }}
          >
            {t('import.another')}
          </button>
        </div>
      </>
    );
  }

  const preview = stage.kind === 'preview' || stage.kind === 'confirming' ? stage.preview : null;

  return (
    <>
      <PageHeading>{t('import.title')}</PageHeading>
      <p class="lead">{t('import.intro')}</p>
      <p>
        {t('import.columns')} <code dir="ltr">{importColumns.join(',')}</code>
      </p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={check} noValidate>
        <FormField id={fileId} label={t('import.file')} hint={t('import.fileHint')} error={fieldError}>
          {(c) => (
            <input
              {...c}
              class="input"
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                if (preview) setStage({ kind: 'choose' });
              }}
            />
          )}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={stage.kind === 'checking'}>
            {t('import.check')}
          </button>
          {stage.kind === 'checking' && <span role="status">{t('import.checking')}</span>}
        </div>
      </form>
      {preview && (
        <section class="import-preview" aria-labelledby="import-preview-heading">
          <h2 id="import-preview-heading" ref={resultRef} tabIndex={-1}>
            {t('import.previewHeading')}
          </h2>
          <p role="status" class={preview.errorCount > 0 ? 'notice notice--error' : 'notice'}>
            {t('import.counts', {
              rows: formatNumber(preview.rows.length),
              valid: formatNumber(preview.validCount),
              errors: formatNumber(preview.errorCount),
            })}
          </p>
          <div class="data-table">
            <div class="data-table__scroll">
              <table>
                <caption>{t('import.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('import.line')}</th>
                    <th scope="col">{t('person.name')}</th>
                    <th scope="col">{t('person.email')}</th>
                    <th scope="col">{t('person.organisation')}</th>
                    <th scope="col">{t('person.language')}</th>
                    <th scope="col">{t('import.problems')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((row) => (
                    <tr key={row.line} class={row.errors.length > 0 ? 'import-row--error' : undefined}>
                      <th scope="row">{formatNumber(row.line)}</th>
                      <td dir="auto">{row.values.name}</td>
                      <td dir="ltr">{row.values.email}</td>
                      <td>{row.values.organisationId}</td>
                      <td>{row.values.preferredLanguage}</td>
                      <td>
                        {row.errors.length === 0 ? (
                          <span class="import-ok">{t('import.rowOk')}</span>
                        ) : (
                          <ul class="import-errors">
                            {row.errors.map((e, i) => (
                              <li key={i}>
                                <span class="import-errors__field">{e.field}</span>: {e.message}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          {preview.errorCount > 0 && (
            <p class="form-field__hint" id="import-confirm-hint">
              {t('import.fixFirst')}
            </p>
          )}
          <div class="button-row">
            <button
              type="button"
              class="button"
              disabled={preview.errorCount > 0 || stage.kind === 'confirming'}
              aria-describedby={preview.errorCount > 0 ? 'import-confirm-hint' : undefined}
              onClick={confirm}
            >
              {t('import.confirm', { count: preview.validCount })}
            </button>
          </div>
        </section>
      )}
    </>
  );
}
