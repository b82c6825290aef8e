import { describeError } from '../api/describe';
import type { I18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';
import { CodedApiError } from '../session/request';
import { mapProblemErrors, type SummaryError } from './ErrorSummary';

/** The portal's words for a problem code one track's API answers with, or null for a code it does not know. */
export type ProblemMessage = (t: I18n['t'], code: string | undefined) => string | null;

/** A track's problem messages: each known code's message is the catalogue key `{prefix}.{code}`. */
export function problemMessages(prefix: string, codes: readonly string[]): ProblemMessage {
  return (t, code) => (code && codes.includes(code) ? t(`${prefix}.${code}` as MessageKey) : null);
}

/** One sentence for a failed call: the coded problem in the portal's words, else what the server said. */
export function problemText(error: unknown, t: I18n['t'], problemMessage: ProblemMessage): string {
  return (error instanceof CodedApiError && problemMessage(t, error.code)) || describeError(error, t);
}

export interface FormFailure {
  summary: SummaryError[];
  /** Messages by the id of the control they are about. */
  fieldErrors: Record<string, string>;
}

export const emptyFailure: FormFailure = { summary: [], fieldErrors: {} };

/**
 * A failed call as error-summary entries: field errors mapped onto the form's controls (fields
 * names each control's id by the server's field name), else the coded problem in the portal's words.
 */
export function failureOf(error: unknown, fields: Readonly<Record<string, string>>, t: I18n['t'], problemMessage: ProblemMessage): FormFailure {
  if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
    return mapProblemErrors(error.errors, fields);
  }
  return { summary: [{ message: problemText(error, t, problemMessage) }], fieldErrors: {} };
}
