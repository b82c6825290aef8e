import { lazyPage } from '../../router/lazyPage';
import { decodeSegment, usePath, type PatternRoute } from '../../router/router';
import { callsBasePath, gatePath, newCallPath, projectsPath, reportPath, reviewPath, staffRoles } from './api';

const BoardPage = lazyPage(() => import('./BoardPage').then((m) => m.BoardPage));
const CallFormPage = lazyPage(() => import('./CallFormPage').then((m) => m.CallFormPage));
const NominationFormPage = lazyPage(() => import('./NominationFormPage').then((m) => m.NominationFormPage));
const ReviewPage = lazyPage(() => import('./ReviewPage').then((m) => m.ReviewPage));
const ProjectsPage = lazyPage(() => import('./TradePages').then((m) => m.ProjectsPage));
const ReportPage = lazyPage(() => import('./TradePages').then((m) => m.ReportPage));
const GatePage = lazyPage(() => import('./TradePages').then((m) => m.GatePage));

const signedIn = ['member', 'admin', 'coordinator', 'reviewer'] as const;

/** The parts after /nominations/calls/: [callId, 'new'], [callId, 'nominations', id] or [callId, 'board']. */
export function callParts(path: string): string[] {
  return path.startsWith(`${callsBasePath}/`) ? path.slice(callsBasePath.length + 1).split('/').map(decodeSegment) : [];
}

const isForm = (path: string) => {
  const parts = callParts(path);
  return (parts.length === 2 && parts[1] === 'new' && parts[0] !== '') || (parts.length === 3 && parts[1] === 'nominations' && parts[2] !== '');
};
const isBoard = (path: string) => {
  const parts = callParts(path);
  return parts.length === 2 && parts[1] === 'board' && parts[0] !== '';
};

function FormRoute() {
  const [callId = '', , nominationId] = callParts(usePath());
  return <NominationFormPage callId={callId} nominationId={nominationId} />;
}

function BoardRoute() {
  const [callId = ''] = callParts(usePath());
  return <BoardPage callId={callId} />;
}

export const nominationsPatternRoutes: readonly PatternRoute[] = [
  { matches: (path) => path === reviewPath, titleKey: 'nom.review.title', page: ReviewPage },
  { matches: (path) => path === newCallPath, titleKey: 'nom.call.title', page: CallFormPage, roles: ['admin'] },
  { matches: isForm, titleKey: 'nom.form.title', page: FormRoute, roles: signedIn },
  { matches: isBoard, titleKey: 'nom.board.title', page: BoardRoute, roles: staffRoles },
  { matches: (path) => path === projectsPath, titleKey: 'nom.trade.title', page: ProjectsPage, roles: staffRoles },
  { matches: (path) => path === reportPath, titleKey: 'nom.trade.reportTitle', page: ReportPage },
  { matches: (path) => path === gatePath, titleKey: 'nom.trade.gateTitle', page: GatePage },
];
