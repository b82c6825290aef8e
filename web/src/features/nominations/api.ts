import type { Texts } from '../../components/texts';
import { sendWithPersonalToken } from '../../session/personalLink';
import { send } from '../../session/request';

// The nominations API: calls, the nomination form and its attachments for members of an
// organisation; the board and decisions for staff; the review page behind a reviewer's emailed
// link (token in a header, never in the URL the server sees).

export const nominationsPath = '/nominations';
export const callsBasePath = '/nominations/calls';
export const reviewPath = '/nominations/review';
export const newNominationPath = (callId: string) => `${callsBasePath}/${encodeURIComponent(callId)}/new`;
export const nominationPath = (callId: string, id: string) => `${callsBasePath}/${encodeURIComponent(callId)}/nominations/${encodeURIComponent(id)}`;
export const boardPath = (callId: string) => `${callsBasePath}/${encodeURIComponent(callId)}/board`;

/** Who runs calls, boards and TRADE projects. */
export const staffRoles = ['admin', 'coordinator'] as const;
export const tokenHeader = 'X-Nomination-Token';

export interface Criterion {
  id: string;
  labels: Texts;
  weight: number;
}

export interface Call {
  id: string;
  titles: Texts;
  descriptions: Texts;
  opensAt: string;
  closesAt: string;
  reviewDeadline: string;
  criteria: Criterion[];
  scaleMax: number;
  passFail: boolean;
  reviewers: string[];
  reviewsPerNomination: number;
  threshold: number;
  shareComments: boolean;
  isOpen: boolean;
  reviewStartedAt: string | null;
  eTag: string;
}

export interface Attachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

export type NominationStatus = 'draft' | 'submitted' | 'in-review' | 'reviewed' | 'selected' | 'rejected';

export interface Nomination {
  id: string;
  callId: string;
  organisationId: string;
  title: string;
  goals: string;
  expectedImpact: string;
  feasibility: string;
  team: string;
  attachments: Attachment[];
  status: NominationStatus;
  submittedAt: string | null;
  updatedAt: string;
  eTag: string;
}

export interface NominationRequest {
  title: string;
  goals: string;
  expectedImpact: string;
  feasibility: string;
  team: string;
  submit: boolean;
}

export type AssignmentStatus = 'assigned' | 'submitted' | 'declined' | 'conflict' | 'replaced' | 'expired';

export interface BoardReview {
  reviewerId: string;
  reviewerName: string;
  status: AssignmentStatus;
  scores: Record<string, number>;
  weighted: number | null;
  comment: string | null;
  conflictReason: string | null;
}

export interface BoardEntry {
  rank: number;
  nominationId: string;
  title: string;
  organisationId: string;
  organisationName: string;
  status: NominationStatus;
  score: number | null;
  reviewCount: number;
  disagreement: boolean;
  aboveThreshold: boolean;
  reviews: BoardReview[];
  eTag: string;
}

export interface Board {
  call: Call;
  entries: BoardEntry[];
}

export interface ReviewPage {
  callId: string;
  callTitles: Texts;
  nominationTitle: string;
  goals: string;
  expectedImpact: string;
  feasibility: string;
  team: string;
  attachments: Attachment[];
  criteria: Criterion[];
  scaleMax: number;
  passFail: boolean;
  deadline: string;
  status: AssignmentStatus;
  scores: Record<string, number>;
  comment: string | null;
  language: string;
}

export type ReviewAction = 'submit' | 'decline' | 'conflict';

export interface ReviewRequest {
  action: ReviewAction;
  scores?: Record<string, number>;
  comment?: string;
  verdict?: 'approve' | 'reject';
  conflictReason?: string;
}

const callUrl = (callId: string) => `/api/nominations/calls/${encodeURIComponent(callId)}`;
const nominationUrl = (callId: string, id: string) => `${callUrl(callId)}/nominations/${encodeURIComponent(id)}`;

export const listCalls = () => send<Call[]>('GET', '/api/nominations/calls');
export const getCall = (callId: string) => send<Call>('GET', callUrl(callId));
export const listMine = () => send<Nomination[]>('GET', '/api/nominations/mine');
export const getNomination = (callId: string, id: string) => send<Nomination>('GET', nominationUrl(callId, id));
export const createNomination = (callId: string, body: NominationRequest) => send<Nomination>('POST', `${callUrl(callId)}/nominations`, { json: body });
export const updateNomination = (callId: string, id: string, body: NominationRequest, eTag?: string) =>
  send<Nomination>('PUT', nominationUrl(callId, id), { json: body, ifMatch: eTag });
export const uploadAttachment = (callId: string, id: string, file: File) =>
  send<Nomination>('POST', `${nominationUrl(callId, id)}/attachments?fileName=${encodeURIComponent(file.name)}`, { body: file, contentType: 'application/octet-stream' });
export const deleteAttachment = (callId: string, id: string, attachmentId: string) =>
  send<Nomination>('DELETE', `${nominationUrl(callId, id)}/attachments/${encodeURIComponent(attachmentId)}`);
export const attachmentUrl = (callId: string, id: string, attachmentId: string) => `${nominationUrl(callId, id)}/attachments/${encodeURIComponent(attachmentId)}`;
export const getBoard = (callId: string) => send<Board>('GET', `${callUrl(callId)}/board`);
export const startReview = (callId: string) => send<Call>('POST', `${callUrl(callId)}/review`);
export const decide = (callId: string, id: string, decision: 'selected' | 'rejected') => send<Nomination>('POST', `${nominationUrl(callId, id)}/decision`, { json: { decision } });

/** A call with this track's personal-link token (and, for changes, the antiforgery token); problems become CodedApiError. */
export const sendWithToken = <T>(method: 'GET' | 'POST', url: string, token: string, json?: unknown): Promise<T> =>
  sendWithPersonalToken<T>(tokenHeader, method, url, token, json);

export const getReview = (token: string) => sendWithToken<ReviewPage>('GET', '/api/nominations/review', token);
export const answerReview = (token: string, body: ReviewRequest) => sendWithToken<ReviewPage>('POST', '/api/nominations/review', token, body);

/** The verdict a pass/fail email's button stands for (#token=…&verdict=approve); the page only pre-selects it. */
export function verdictFromLocation(location: Pick<Location, 'hash'> = window.location): 'approve' | 'reject' | null {
  const verdict = new URLSearchParams(location.hash.replace(/^#/, '')).get('verdict');
  return verdict === 'approve' || verdict === 'reject' ? verdict : null;
}

/** The nominations whose review is finished rank first by score; a score is a percentage of the scale. */
export function formatScore(score: number | null, formatNumber: (n: number, options?: Intl.NumberFormatOptions) => string): string {
  return score === null ? '–' : formatNumber(score, { maximumFractionDigits: 1 });
}

export const projectsPath = '/nominations/projects';
export const reportPath = '/nominations/report';
export const gatePath = '/nominations/gate';
export const tradeStages = ['terms-of-reference', 'research', 'acquire', 'deploy', 'evaluate', 'completed'] as const;
export type TradeStage = (typeof tradeStages)[number];
export type ProjectHealth = 'on-track' | 'at-risk' | 'overdue' | 'completed';

export interface Project {
  id: string;
  callId: string;
  title: string;
  organisationName: string;
  stage: number;
  stageName: TradeStage;
  health: ProjectHealth;
  reportOverdue: boolean;
  reportDue: string | null;
  lastReportAt: string | null;
  gatePending: boolean;
  deliverables: string[];
}

export interface ReportForm {
  projectTitle: string;
  stage: number;
  stageName: TradeStage;
  deliverables: string[];
  due: string | null;
  submitted: boolean;
  language: string;
}

export interface GateForm {
  projectTitle: string;
  stage: number;
  stageName: TradeStage;
  deliverables: string[];
  lastSummary: string | null;
  lastRisks: string | null;
  lastHealth: ProjectHealth | null;
  pending: boolean;
  language: string;
}

export const listProjects = () => send<Project[]>('GET', '/api/nominations/projects');
export const getReportForm = (token: string) => sendWithToken<ReportForm>('GET', '/api/nominations/report', token);
export const sendReport = (token: string, body: { summary: string; risks: string; health: string | null; readyForGate: boolean }) =>
  sendWithToken<ReportForm>('POST', '/api/nominations/report', token, body);
export const getGate = (token: string) => sendWithToken<GateForm>('GET', '/api/nominations/gate', token);
export const decideGate = (token: string, body: { decision: string | null; comment: string }) => sendWithToken<GateForm>('POST', '/api/nominations/gate', token, body);

export const newCallPath = '/nominations/calls/new';

export interface CallRequest {
  titles: Texts;
  descriptions: Texts;
  opensAt: string | null;
  closesAt: string | null;
  reviewDeadline: string | null;
  criteria: { id: string; labels: Texts; weight: number | null }[];
  scaleMax: number | null;
  passFail: boolean;
  reviewers: string[];
  reviewsPerNomination: number | null;
  threshold: number | null;
  shareComments: boolean;
}

export interface PanelCandidate {
  id: string;
  name: string;
  email: string;
  organisationId: string | null;
}

export const createCall = (body: CallRequest) => send<Call>('POST', '/api/nominations/calls', { json: body });

/** People with the reviewer role, for the panel (the registry pages through at most 100 at a time). */
export async function listReviewers(): Promise<PanelCandidate[]> {
  const all: PanelCandidate[] = [];
  for (let page = 1; page <= 20; page++) {
    const result = await send<{ items: PanelCandidate[]; total: number }>('GET', `/api/registry/people?page=${page}&pageSize=100&sort=name&role=reviewer`);
    all.push(...result.items);
    if (all.length >= result.total || result.items.length === 0) break;
  }
  return all;
}

/** A number field's value, or null when it is empty or not a number (the server names the field). */
export function numberOrNull(value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
