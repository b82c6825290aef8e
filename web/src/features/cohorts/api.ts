import { sendWithPersonalToken } from '../../session/personalLink';
import { send } from '../../session/request';

// The cohorts track's calls: programmes, cohorts and candidates for coordinators (session cookie,
// antiforgery), and the two public pages behind emailed links (token in the X-Cohort-Token header).

export const cohortsPath = '/cohorts';
export const newCohortPath = '/cohorts/new';
export const cohortBasePath = '/cohorts/c';
export const onboardingPath = '/cohorts/onboarding';
export const proposalPath = '/cohorts/propose';
export const cohortPath = (id: string) => `${cohortBasePath}/${encodeURIComponent(id)}`;
export const editCohortPath = (id: string) => `${cohortPath(id)}/edit`;

/** Who manages programmes, cohorts and candidates. */
export const cohortRoles = ['admin', 'coordinator'] as const;

/** The size of a cohort (an edition of a programme), as the programmes run them. */
export const cohortSize = { min: 25, max: 40 } as const;

export const candidateStatuses = ['proposed', 'accepted', 'rejected', 'onboarding', 'onboarded', 'withdrawn'] as const;
export type CandidateStatus = (typeof candidateStatuses)[number];
export const settableStatuses = ['proposed', 'accepted', 'rejected', 'withdrawn'] as const;
export const missingReasons = ['unreachable', 'welcome_pending', 'profile', 'consent', 'challenge'] as const;
export type MissingReason = (typeof missingReasons)[number];

export interface Programme {
  id: string;
  name: string;
  description: string;
}

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface SteeringMember {
  name: string;
  role: string;
}

export interface BudgetLine {
  label: string;
  planned: number;
  spent: number;
}

export interface OrganisationQuota {
  organisationId: string;
  name: string;
  quota: number;
  used: number;
}

export interface Cohort {
  id: string;
  programmeId: string;
  programmeName: string;
  name: string;
  startDate: string;
  endDate: string;
  capacity: number;
  seatsTaken: number;
  coordinator: PersonRef | null;
  managers: PersonRef[];
  steeringCommittee: SteeringMember[];
  organisations: OrganisationQuota[];
  budget: BudgetLine[];
  budgetTotals: { planned: number; spent: number; remaining: number };
  currency: string;
  counts: Record<CandidateStatus, number>;
  onboardingRounds: number;
  onboardingDeadline: string | null;
  eTag: string;
}

export interface CohortRequest {
  programmeId: string;
  name: string;
  startDate: string;
  endDate: string;
  capacity: number | null;
  coordinatorId: string;
  managerIds: string[];
  steeringCommittee: SteeringMember[];
  organisations: { organisationId: string; quota: number }[];
  budget: BudgetLine[];
  currency: string;
}

export interface Candidate {
  personId: string;
  name: string;
  email: string;
  language: string;
  organisationId: string | null;
  status: CandidateStatus;
  source: string;
  welcomeSentAt: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
  onboardedAt: string | null;
  missing: MissingReason[];
  challengeTitle: string | null;
  eTag: string;
}

export interface StuckParticipant {
  personId: string;
  name: string;
  email: string;
  missing: MissingReason[];
  welcomeSentAt: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
}

export interface OnboardingProgress {
  total: number;
  onboarded: number;
  welcomed: number;
  escalated: number;
  rounds: { round: number; instanceId: string; runtimeStatus: string }[];
  stuck: StuckParticipant[];
  deadline: string | null;
}

export interface OnboardingPage {
  cohortId: string;
  cohortName: string;
  programmeName: string;
  name: string;
  language: string;
  status: CandidateStatus;
  jobTitle: string | null;
  bio: string | null;
  consent: boolean;
  challengeTitle: string | null;
  challengeDescription: string | null;
  missing: MissingReason[];
}

export interface ProposalPage {
  cohortId: string;
  cohortName: string;
  programmeName: string;
  organisationId: string;
  organisationName: string;
  quota: number | null;
  proposed: { name: string; email: string; status: CandidateStatus }[];
}

const enc = encodeURIComponent;

export const listProgrammes = () => send<Programme[]>('GET', '/api/cohorts/programmes');
export const createProgramme = (body: { name: string; description: string }) => send<Programme>('POST', '/api/cohorts/programmes', { json: body });
export const listCohorts = () => send<Cohort[]>('GET', '/api/cohorts');
export const getCohort = (id: string) => send<Cohort>('GET', `/api/cohorts/${enc(id)}`);
export const createCohort = (body: CohortRequest) => send<Cohort>('POST', '/api/cohorts', { json: body });
export const updateCohort = (id: string, body: CohortRequest, eTag: string) => send<Cohort>('PUT', `/api/cohorts/${enc(id)}`, { json: body, ifMatch: eTag });
export const listCandidates = (id: string) => send<Candidate[]>('GET', `/api/cohorts/${enc(id)}/candidates`);
export const addCandidate = (id: string, body: { email: string; name: string; language: string; organisationId: string }) =>
  send<Candidate>('POST', `/api/cohorts/${enc(id)}/candidates`, { json: body });
export const importCandidates = (id: string, csv: string) => send<{ added: number; alreadyCandidates: number }>('POST', `/api/cohorts/${enc(id)}/candidates/import`, { json: { csv } });
export const setCandidateStatus = (id: string, personId: string, status: string, eTag: string) =>
  send<Candidate>('PUT', `/api/cohorts/${enc(id)}/candidates/${enc(personId)}/status`, { json: { status }, ifMatch: eTag });
export const createProposalLink = (id: string, organisationId: string) =>
  send<{ organisationId: string; link: string; expiresAt: string }>('POST', `/api/cohorts/${enc(id)}/proposal-links`, { json: { organisationId } });
export const startOnboarding = (id: string, body: { deadline: string | null; reminderHoursBefore: number | null }) =>
  send<{ round: number; added: number; participants: number }>('POST', `/api/cohorts/${enc(id)}/onboarding`, { json: body });
export const getOnboarding = (id: string) => send<OnboardingProgress>('GET', `/api/cohorts/${enc(id)}/onboarding`);

export const tokenHeader = 'X-Cohort-Token';

/** A call with this track's personal-link token (and, for changes, the antiforgery token); problems become CodedApiError. */
export const sendWithToken = <T>(method: 'GET' | 'POST' | 'PUT', url: string, token: string, json?: unknown): Promise<T> =>
  sendWithPersonalToken<T>(tokenHeader, method, url, token, json);

export const getOnboardingPage = (token: string) => sendWithToken<OnboardingPage>('GET', '/api/cohort-onboarding', token);
export const submitOnboarding = (
  token: string,
  body: { jobTitle: string; bio: string; consent: boolean; challengeTitle: string; challengeDescription: string },
) => sendWithToken<OnboardingPage>('PUT', '/api/cohort-onboarding', token, body);
export const getProposalPage = (token: string) => sendWithToken<ProposalPage>('GET', '/api/cohort-proposal', token);
export const propose = (token: string, body: { name: string; email: string; language: string }) => sendWithToken<ProposalPage>('POST', '/api/cohort-proposal', token, body);

export interface FishboneCause {
  text: string;
  subCauses: string[];
}

export interface FishboneCategory {
  name: string;
  causes: FishboneCause[];
}

export interface Fishbone {
  categories: FishboneCategory[];
}

export interface Challenge {
  personId: string;
  name: string;
  organisationId: string | null;
  title: string;
  description: string;
  theme: string | null;
  workshopGroup: string | null;
  fishbone: Fishbone;
  eTag: string;
}

export const challengesPath = (id: string) => `${cohortPath(id)}/challenges`;
export const fishbonePath = (id: string, personId: string) => `${challengesPath(id)}/${encodeURIComponent(personId)}`;
export const listChallenges = (id: string) => send<Challenge[]>('GET', `/api/cohorts/${enc(id)}/challenges`);
export const assignChallenge = (id: string, personId: string, body: { theme: string; workshopGroup: string }, eTag: string) =>
  send<Challenge>('PUT', `/api/cohorts/${enc(id)}/challenges/${enc(personId)}`, { json: body, ifMatch: eTag });
export const saveFishbone = (id: string, personId: string, fishbone: Fishbone, eTag: string) =>
  send<Challenge>('PUT', `/api/cohorts/${enc(id)}/challenges/${enc(personId)}/fishbone`, { json: fishbone, ifMatch: eTag });
