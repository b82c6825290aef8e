import { decodeSegment, usePath } from '../../router/router';
import { campaignsBasePath, newSeriesPath, seriesBasePath } from './api';
import { CampaignPage, CampaignStartPage } from './CampaignPages';
import { SeriesFormPage } from './SeriesFormPage';
import { SeriesPage } from './SeriesPage';
import { SessionFormPage } from './SessionFormPage';

export { InvitationPage } from './InvitationPage';
export { SurveyPage } from './SurveyPage';
export { workshopRoles } from './WorkshopsPage';

/** /workshops/series/new, /workshops/series/{id}, …/sessions/new and …/campaigns/new. */
export function SeriesRoutes() {
  const path = usePath();
  if (path === newSeriesPath) return <SeriesFormPage />;
  const [id = '', section, action] = path.slice(seriesBasePath.length + 1).split('/').map(decodeSegment);
  if (section === 'sessions' && action === 'new') return <SessionFormPage seriesId={id} />;
  if (section === 'campaigns' && action === 'new') return <CampaignStartPage seriesId={id} />;
  return <SeriesPage seriesId={id} />;
}

/** /workshops/campaigns/{id}. */
export function CampaignRoutes() {
  const path = usePath();
  return <CampaignPage campaignId={decodeSegment(path.slice(campaignsBasePath.length + 1))} />;
}

export const isSeriesPath = (path: string) => path.startsWith(`${seriesBasePath}/`) && path.length > seriesBasePath.length + 1;
export const isCampaignPath = (path: string) => path.startsWith(`${campaignsBasePath}/`) && path.length > campaignsBasePath.length + 1;
