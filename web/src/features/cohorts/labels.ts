import { problemMessages } from '../../components/problems';
import type { StatusTone } from '../../components/StatusBadge';
import type { I18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import { CodedApiError } from '../../session/request';
import { describeError } from '../../api/describe';
import type { CandidateStatus, MissingReason } from './api';

const tones: Record<CandidateStatus, StatusTone> = {
  proposed: 'neutral',
  accepted: 'info',
  rejected: 'danger',
  onboarding: 'warning',
  onboarded: 'success',
  withdrawn: 'neutral',
};

export function statusLabel(t: I18n['t'], status: CandidateStatus): string {
  return t(`cohort.status.${status}` as MessageKey);
}

export function statusTone(status: CandidateStatus): StatusTone {
  return tones[status] ?? 'neutral';
}

export function missingLabel(t: I18n['t'], reason: MissingReason): string {
  return t(`cohort.missing.${reason}` as MessageKey);
}

/** The portal's words for a problem code the cohorts API answers with, else null. */
export const problemMessage = problemMessages('cohort.problem', [
  'cohort_full',
  'quota_full',
  'candidate_withdrawn',
  'transition_invalid',
  'status_invalid',
  'no_participants',
  'not_participant',
  'token_invalid',
  'token_expired',
  'rate_limited',
]);

/** One sentence for a failed call: the coded problem in the reader's language, with the server's detail for the field. */
export function failureText(t: I18n['t'], error: unknown): string {
  if (error instanceof CodedApiError) {
    const coded = problemMessage(t, error.code);
    const detail = Object.values(error.errors).flat()[0];
    if (coded) return detail ? `${coded} ${detail}` : coded;
  }
  return describeError(error, t);
}
