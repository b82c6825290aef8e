import { decodeSegment, usePath, type PatternRoute } from '../../router/router';
import { callsBasePath, gatePath, newCallPath, projectsPath, reportPath, reviewPath } from './api';
import { BoardPage } from './BoardPage';
import { CallFormPage } from './CallFormPage';
import { NominationFormPage } from './NominationFormPage';
import { staffRoles } from './NominationsPage';
import { ReviewPage } from './ReviewPage';
import { GatePage, ProjectsPage, ReportPage } from './TradePages';

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
