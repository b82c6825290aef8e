import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';
import { emptyFailure, failureOf, type FormFailure, type ProblemMessage } from './problems';

export interface FormFailureState extends FormFailure {
  /** Changes on each failure, so the error summary takes focus again even with the same errors. */
  attempt: number;
  /** Shows a failed call: field errors on their controls (fields: control id by server field name), the rest in the summary. */
  fail: (error: unknown, fields: Readonly<Record<string, string>>) => void;
  /** Shows a failure the page put into words itself. */
  show: (failure: FormFailure) => void;
  /** Removes the errors after a call that worked. */
  clear: () => void;
}

/** A form's error summary and field errors after a failed submit, with a track's problem messages. */
export function useFormFailure(problemMessage: ProblemMessage): FormFailureState {
  const { t } = useI18n();
  const [failure, setFailure] = useState<FormFailure>(emptyFailure);
  const [attempt, setAttempt] = useState(0);
  const show = (next: FormFailure) => {
    setFailure(next);
    setAttempt((n) => n + 1);
  };
  return {
    ...failure,
    attempt,
    fail: (error, fields) => show(failureOf(error, fields, t, problemMessage)),
    show,
    clear: () => setFailure(emptyFailure),
  };
}
