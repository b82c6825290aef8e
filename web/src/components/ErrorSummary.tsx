import { useEffect, useRef } from 'preact/hooks';
import type { FieldErrors } from '../api/http';
import { useI18n } from '../i18n/I18nProvider';

export interface SummaryError {
  /** The id of the control the message is about; without one the message is not a link. */
  fieldId?: string;
  message: string;
}

interface ErrorSummaryProps {
  errors: readonly SummaryError[];
  /** Changes on each failed submit, so the summary takes focus again even with the same errors. */
  attempt: number;
  title?: string;
}

/**
 * Shown after a failed submit: an alert (announced as it appears) that takes focus so the reader
 * hears the problem, and links each message to its field.
 */
export function ErrorSummary({ errors, attempt, title }: ErrorSummaryProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const headingId = `error-summary-title-${attempt}`;

  useEffect(() => {
    if (errors.length > 0) {
      ref.current?.focus();
    }
    // Focus once per attempt, not on every re-render.
  }, [attempt, errors.length > 0]);

  if (errors.length === 0) {
    return null;
  }

  return (
    <div class="error-summary" ref={ref} tabIndex={-1} role="alert" aria-labelledby={headingId}>
      <h2 class="error-summary__title" id={headingId}>
        {title ?? t('form.errorSummary.title')}
      </h2>
      <ul class="error-summary__list">
        {errors.map((error, index) => (
          <li key={`${error.fieldId ?? ''}-${index}`}>
            {error.fieldId ? (
              <a
                href={`#${error.fieldId}`}
                onClick={(event) => {
                  const field = document.getElementById(error.fieldId!);
                  if (field) {
                    event.preventDefault();
                    field.focus();
                    field.scrollIntoView?.({ block: 'center' });
                  }
                }}
              >
                {error.message}
              </a>
            ) : (
              error.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Maps a ValidationProblem's `errors` dictionary onto the form's fields. Server keys are matched
 * case-insensitively and without a leading "$." or "body." (ASP.NET's JSON paths); keys that name
 * no field of the form become messages without a link.
 */
export function mapProblemErrors(
  errors: FieldErrors,
  fields: Readonly<Record<string, string>>,
): { fieldErrors: Record<string, string>; summary: SummaryError[] } {
  const byKey = new Map(Object.entries(fields).map(([key, id]) => [normaliseKey(key), id]));
  const fieldErrors: Record<string, string> = {};
  const summary: SummaryError[] = [];
  for (const [key, messages] of Object.entries(errors)) {
    const fieldId = byKey.get(normaliseKey(key));
    for (const message of messages) {
      if (fieldId && fieldErrors[fieldId] === undefined) {
        fieldErrors[fieldId] = message;
      }
      summary.push(fieldId ? { fieldId, message } : { message });
    }
  }
  return { fieldErrors, summary };
}

function normaliseKey(key: string): string {
  return key.replace(/^\$\./, '').replace(/^body\./i, '').toLowerCase();
}
