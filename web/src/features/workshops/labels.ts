import { problemMessages } from '../../components/problems';
import type { StatusTone } from '../../components/StatusBadge';
import type { I18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import type { InvitationStatus, RegistrationStatus } from './api';

const registrationTones: Record<RegistrationStatus, StatusTone> = {
  confirmed: 'success',
  waitlisted: 'warning',
  offered: 'info',
  cancelled: 'neutral',
  lapsed: 'neutral',
};

const invitationTones: Record<InvitationStatus, StatusTone> = {
  pending: 'neutral',
  sent: 'info',
  registered: 'success',
  declined: 'warning',
  expired: 'neutral',
  bounced: 'danger',
};

export function registrationLabel(t: I18n['t'], status: RegistrationStatus): string {
  return t(`ws.registration.${status}` as MessageKey);
}

export function registrationTone(status: RegistrationStatus): StatusTone {
  return registrationTones[status] ?? 'neutral';
}

export function invitationLabel(t: I18n['t'], status: InvitationStatus): string {
  return t(`ws.invitation.${status}` as MessageKey);
}

export function invitationTone(status: InvitationStatus): StatusTone {
  return invitationTones[status] ?? 'neutral';
}

export function ratingLabel(t: I18n['t'], question: string): string {
  return t(`ws.rating.${question}` as MessageKey);
}

/** The portal message for a problem code from the workshops API, if it has one. */
export const problemMessage = problemMessages('ws.problem', [
  'token_invalid',
  'token_expired',
  'registration_closed',
  'session_full',
  'already_registered',
  'invitation_expired',
  'not_registered',
  'no_offer',
  'session_not_found',
  'survey_submitted',
  'rate_limited',
]);
