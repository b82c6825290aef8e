import { problemMessages } from '../../components/problems';
import type { StatusTone } from '../../components/StatusBadge';
import type { I18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import type { AssignmentStatus, NominationStatus } from './api';

const nominationTones: Record<NominationStatus, StatusTone> = {
  draft: 'neutral',
  submitted: 'info',
  'in-review': 'info',
  reviewed: 'warning',
  selected: 'success',
  rejected: 'danger',
};

const assignmentTones: Record<AssignmentStatus, StatusTone> = {
  assigned: 'info',
  submitted: 'success',
  declined: 'neutral',
  conflict: 'warning',
  replaced: 'neutral',
  expired: 'neutral',
};

export const nominationLabel = (t: I18n['t'], status: NominationStatus) => t(`nom.status.${status}` as MessageKey);
export const nominationTone = (status: NominationStatus): StatusTone => nominationTones[status] ?? 'neutral';
export const assignmentLabel = (t: I18n['t'], status: AssignmentStatus) => t(`nom.assignment.${status}` as MessageKey);
export const assignmentTone = (status: AssignmentStatus): StatusTone => assignmentTones[status] ?? 'neutral';

/** The portal message for a problem code from the nominations API, if it has one. */
export const problemMessage = problemMessages('nom.problem', [
  'token_invalid',
  'token_expired',
  'nom_call_closed',
  'nom_no_organisation',
  'nom_already_submitted',
  'nom_review_closed',
  'nom_review_deadline_passed',
  'nom_decided',
  'nom_report_closed',
  'nom_gate_closed',
  'changed',
  'rate_limited',
]);
