import { mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { describeError } from '../../api/describe';
import type { I18n } from '../../i18n/I18nProvider';
import { CodedApiError } from '../../session/request';
import { problemMessage } from './labels';

export interface FormFailure {
  summary: SummaryError[];
  fieldErrors: Record<string, string>;
}

/** Turns a failed call into error-summary entries: field errors mapped onto the form's controls, problem codes into the portal's words. */
export function failureOf(error: unknown, fields: Readonly<Record<string, string>>, t: I18n['t']): FormFailure {
  if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
    return mapProblemErrors(error.errors, fields);
  }
  const coded = error instanceof CodedApiError ? problemMessage(t, error.code) : null;
  return { summary: [{ message: coded ?? describeError(error, t) }], fieldErrors: {} };
}

/** A datetime-local value ("2031-07-13T10:00") read as the browser's local time, as an ISO instant. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
