import type { Texts } from '../../components/texts';
import { sendWithPersonalToken } from '../../session/personalLink';
import { send } from '../../session/request';

// The workshops API: series and sessions, registrations, campaigns and feedback for coordinators;
// the invitation and survey pages for the people the links were sent to (token in a header).

export const workshopsPath = '/workshops';
export const seriesBasePath = '/workshops/series';
export const newSeriesPath = '/workshops/series/new';
export const campaignsBasePath = '/workshops/campaigns';
export const invitationPath = '/workshops/invitation';
export const surveyPath = '/workshops/survey';
export const seriesPath = (id: string) => `${seriesBasePath}/${encodeURIComponent(id)}`;
export const newSessionPath = (id: string) => `${seriesPath(id)}/sessions/new`;
export const newCampaignPath = (id: string) => `${seriesPath(id)}/campaigns/new`;
export const campaignPath = (id: string) => `${campaignsBasePath}/${encodeURIComponent(id)}`;

/** Who manages series, sessions and campaigns. */
export const workshopRoles = ['admin', 'coordinator'] as const;

export interface Question {
  id: string;
  labels: Texts;
  maxLength: number;
  required: boolean;
}

export interface Seats {
  capacity: number;
  taken: number;
  confirmed: number;
  offered: number;
  waitlisted: number;
}

export interface Session {
  id: string;
  seriesId: string;
  titles: Texts;
  descriptions: Texts;
  start: string;
  end: string;
  timeZone: string;
  startUtc: string;
  endUtc: string;
  onlineUrl: string | null;
  venue: string | null;
  capacity: number;
  waitlist: boolean;
  registrationDeadline: string;
  seats: Seats;
  eTag: string;
}

export interface Series {
  id: string;
  titles: Texts;
  descriptions: Texts;
  questions: Question[];
  sessions: Session[];
  createdAt: string;
  updatedAt: string;
  eTag: string;
}

export interface Registration {
  personId: string;
  name: string;
  email: string;
  organisationId: string | null;
  sessionId: string;
  status: RegistrationStatus;
  waitlistPosition: number | null;
  answers: Texts;
  consentGivenAt: string;
  offerExpiresAt: string | null;
  attended: boolean | null;
  createdAt: string;
  updatedAt: string;
}

export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'offered' | 'cancelled' | 'lapsed';
export type InvitationStatus = 'pending' | 'sent' | 'registered' | 'declined' | 'expired' | 'bounced';
export const invitationStatuses: readonly InvitationStatus[] = ['pending', 'sent', 'registered', 'declined', 'expired', 'bounced'];

export interface CampaignCounts {
  total: number;
  pending: number;
  sent: number;
  registered: number;
  declined: number;
  expired: number;
  bounced: number;
}

export interface Campaign {
  id: string;
  seriesId: string;
  name: string;
  deadline: string;
  reminderDaysBefore: number;
  total: number;
  instanceId: string;
  runtimeStatus: string;
  counts: CampaignCounts;
  customStatus: Partial<CampaignCounts> | null;
  createdAt: string;
}

export interface Invitation {
  personId: string;
  name: string;
  email: string;
  status: InvitationStatus;
  sentAt: string | null;
  remindedAt: string | null;
  answeredAt: string | null;
  error: string | null;
}

export interface RatingSummary {
  question: string;
  count: number;
  average: number;
  distribution: number[];
}

export interface FeedbackSummary {
  sessionId: string | null;
  responses: number;
  ratings: RatingSummary[];
  comments: string[];
}

export interface FeedbackResults {
  seriesId: string;
  series: FeedbackSummary;
  sessions: FeedbackSummary[];
}

export interface SeriesRequest {
  id?: string;
  titles: Texts;
  descriptions: Texts;
  questions: Question[];
}

export interface SessionRequest {
  id?: string;
  titles: Texts;
  descriptions: Texts;
  start: string;
  end: string;
  timeZone: string;
  onlineUrl: string | null;
  venue: string | null;
  capacity: number | null;
  waitlist: boolean;
  registrationDeadline: string | null;
}

export interface CampaignRequest {
  seriesId: string;
  name: string;
  organisationIds: string[];
  personIds: string[];
  emailsCsv: string;
  deadline: string | null;
  reminderDaysBefore: number | null;
}

export const listSeries = () => send<Series[]>('GET', '/api/workshops/series');
export const getSeries = (id: string) => send<Series>('GET', `/api/workshops/series/${encodeURIComponent(id)}`);
export const createSeries = (body: SeriesRequest) => send<Series>('POST', '/api/workshops/series', { json: body });
export const createSession = (seriesId: string, body: SessionRequest) =>
  send<Session>('POST', `/api/workshops/series/${encodeURIComponent(seriesId)}/sessions`, { json: body });
export const listRegistrations = (seriesId: string) => send<Registration[]>('GET', `/api/workshops/series/${encodeURIComponent(seriesId)}/registrations`);
export const markAttendance = (seriesId: string, personId: string, attended: boolean) =>
  send<Registration>('PUT', `/api/workshops/series/${encodeURIComponent(seriesId)}/registrations/${encodeURIComponent(personId)}/attendance`, { json: { attended } });
export const sendSurvey = (seriesId: string, sessionId: string) =>
  send<{ sent: number; alreadySent: number }>('POST', `/api/workshops/series/${encodeURIComponent(seriesId)}/sessions/${encodeURIComponent(sessionId)}/survey`);
export const getFeedback = (seriesId: string) => send<FeedbackResults>('GET', `/api/workshops/series/${encodeURIComponent(seriesId)}/feedback`);
export const listCampaigns = (seriesId: string) => send<Campaign[]>('GET', `/api/workshops/campaigns?seriesId=${encodeURIComponent(seriesId)}`);
export const startCampaign = (body: CampaignRequest) => send<Campaign>('POST', '/api/workshops/campaigns', { json: body });
export const getCampaign = (id: string) => send<Campaign>('GET', `/api/workshops/campaigns/${encodeURIComponent(id)}`);
export const listInvitations = (id: string) => send<Invitation[]>('GET', `/api/workshops/campaigns/${encodeURIComponent(id)}/invitations`);

// The public pages: the personal token travels in a header, never in a URL the server logs.

export interface PublicSession {
  id: string;
  titles: Texts;
  descriptions: Texts;
  start: string;
  end: string;
  timeZone: string;
  startUtc: string;
  endUtc: string;
  onlineUrl: string | null;
  venue: string | null;
  waitlist: boolean;
  registrationDeadline: string;
  open: boolean;
  seatsLeft: number;
}

export interface InvitationPage {
  seriesId: string;
  language: string;
  titles: Texts;
  descriptions: Texts;
  questions: Question[];
  sessions: PublicSession[];
  person: { name: string; email: string; organisation: string | null };
  invitationStatus: InvitationStatus;
  invitationDeadline: string | null;
  registration: { sessionId: string; status: RegistrationStatus; waitlistPosition: number | null; answers: Texts; offerExpiresAt: string | null } | null;
  consentTextVersion: string;
}

export interface SurveyPage {
  seriesId: string;
  sessionId: string;
  seriesTitles: Texts;
  sessionTitles: Texts;
  start: string;
  timeZone: string;
  questions: string[];
  submitted: boolean;
  language: string;
}

export const tokenHeader = 'X-Workshop-Token';

/** A call with this track's personal-link token (and, for changes, the antiforgery token); problems become CodedApiError. */
export const sendWithToken = <T>(method: 'GET' | 'POST' | 'PUT', url: string, token: string, json?: unknown): Promise<T> =>
  sendWithPersonalToken<T>(tokenHeader, method, url, token, json);

export const getInvitation = (token: string) => sendWithToken<InvitationPage>('GET', '/api/workshops/invitation', token);
export const register = (token: string, body: { sessionId: string; answers: Texts; consent: boolean }) =>
  sendWithToken<InvitationPage>('POST', '/api/workshops/invitation/registration', token, body);
export const changeRegistration = (token: string, body: { sessionId: string; answers: Texts }) =>
  sendWithToken<InvitationPage>('PUT', '/api/workshops/invitation/registration', token, body);
export const cancelRegistration = (token: string) => sendWithToken<InvitationPage>('POST', '/api/workshops/invitation/cancel', token);
export const acceptOffer = (token: string) => sendWithToken<InvitationPage>('POST', '/api/workshops/invitation/accept-offer', token);
export const declineInvitation = (token: string) => sendWithToken<InvitationPage>('POST', '/api/workshops/invitation/decline', token);
export const getSurvey = (token: string) => sendWithToken<SurveyPage>('GET', '/api/workshops/survey', token);
export const submitSurvey = (token: string, body: { ratings: Record<string, number>; comment: string }) =>
  sendWithToken<SurveyPage>('POST', '/api/workshops/survey', token, body);

/** "2031-07-13T10:00" in its own time zone, formatted for the reader (the wall-clock time, zone named beside it). */
export function formatLocal(local: string, language: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' }): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return local;
  const [y, m, d, hh, mm] = match.slice(1).map(Number) as [number, number, number, number, number];
  // Formatted as UTC so the browser's own zone does not shift the wall-clock time.
  return new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d, hh, mm)));
}
