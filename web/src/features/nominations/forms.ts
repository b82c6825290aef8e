import { describeError } from '../../api/describe';
import { mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import type { I18n } from '../../i18n/I18nProvider';
import { CodedApiError } from '../../session/request';
import { problemMessage } from './labels';

export interface FormFailure {
  summary: SummaryError[];
  fieldErrors: Record<string, string>;
}

/** Field errors mapped onto the form's controls; problem codes in the portal's own words. */
export function failureOf(error: unknown, fields: Readonly<Record<string, string>>, t: I18n['t']): FormFailure {
  if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
    return mapProblemErrors(error.errors, fields);
  }
  const coded = error instanceof CodedApiError ? problemMessage(t, error.code) : null;
  return { summary: [{ message: coded ?? describeError(error, t) }], fieldErrors: {} };
}

export const emptyFailure: FormFailure = { summary: [], fieldErrors: {} };
