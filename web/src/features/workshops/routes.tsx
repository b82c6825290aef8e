import { lazyPage } from '../../router/lazyPage';
import { decodeSegment, usePath, type PatternRoute } from '../../router/router';
import { campaignsBasePath, invitationPath, newSeriesPath, seriesBasePath, surveyPath, workshopRoles } from './api';

const InvitationPage = lazyPage(() => import('./InvitationPage').then((m) => m.InvitationPage));
const SurveyPage = lazyPage(() => import('./SurveyPage').then((m) => m.SurveyPage));
const SeriesFormPage = lazyPage(() => import('./SeriesFormPage').then((m) => m.SeriesFormPage));
const SeriesPage = lazyPage(() => import('./SeriesPage').then((m) => m.SeriesPage));
const SessionFormPage = lazyPage(() => import('./SessionFormPage').then((m) => m.SessionFormPage));
const CampaignStartPage = lazyPage(() => import('./CampaignPages').then((m) => m.CampaignStartPage));
const CampaignPage = lazyPage(() => import('./CampaignPages').then((m) => m.CampaignPage));

/** /workshops/series/new, /workshops/series/{id}, …/sessions/new and …/campaigns/new. */
function SeriesRoutes() {
  const path = usePath();
  if (path === newSeriesPath) return <SeriesFormPage />;
  const [id = '', section, action] = path.slice(seriesBasePath.length + 1).split('/').map(decodeSegment);
  if (section === 'sessions' && action === 'new') return <SessionFormPage seriesId={id} />;
  if (section === 'campaigns' && action === 'new') return <CampaignStartPage seriesId={id} />;
  return <SeriesPage seriesId={id} />;
}

/** /workshops/campaigns/{id}. */
function CampaignRoutes() {
  const path = usePath();
  return <CampaignPage campaignId={decodeSegment(path.slice(campaignsBasePath.length + 1))} />;
}

const isSeriesPath = (path: string) => path.startsWith(`${seriesBasePath}/`) && path.length > seriesBasePath.length + 1;
const isCampaignPath = (path: string) => path.startsWith(`${campaignsBasePath}/`) && path.length > campaignsBasePath.length + 1;

export const workshopsPatternRoutes: readonly PatternRoute[] = [
  // Reached from emailed links; the token in the fragment is the only key.
  { matches: (path) => path === invitationPath, titleKey: 'ws.invite.title', page: InvitationPage },
  { matches: (path) => path === surveyPath, titleKey: 'ws.surveyPage.title', page: SurveyPage },
  { matches: isSeriesPath, titleKey: 'ws.series.heading', page: SeriesRoutes, roles: workshopRoles },
  { matches: isCampaignPath, titleKey: 'ws.campaign.heading', page: CampaignRoutes, roles: workshopRoles },
];
