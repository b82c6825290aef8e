import type { ComponentType } from 'preact';
import { ToastProvider } from './components/Toasts';
import { AccountPage, accountPath } from './features/account/AccountPage';
import { AuditLogPage } from './features/audit/AuditPage';
import { auditPath } from './features/audit/paths';
import { SignInCompletePage } from './features/auth/SignInCompletePage';
import { SignInPage } from './features/auth/SignInPage';
import { CohortsPage } from './features/cohorts/CohortsPage';
import { cohortsPatternRoutes } from './features/cohorts/routes';
import { HomePage } from './features/home/HomePage';
import { LibraryPage } from './features/library/LibraryPage';
import { WorkflowDetailPage } from './features/monitor/WorkflowDetailPage';
import { WorkflowListPage, workflowsPath } from './features/monitor/WorkflowListPage';
import { NewsletterConfirmPage } from './features/newsletter/NewsletterConfirmPage';
import { NewsletterPage, newsletterConfirmPath, newsletterPath } from './features/newsletter/NewsletterPage';
import { NominationsPage } from './features/nominations/NominationsPage';
import { nominationsPatternRoutes } from './features/nominations/routes';
import { NotFoundPage } from './features/notfound/NotFoundPage';
import { importPath, organisationsPath, peoplePath } from './features/registry/api';
import { ImportPage } from './features/registry/ImportPage';
import { OrganisationFormPage } from './features/registry/OrganisationFormPage';
import { OrganisationsListPage } from './features/registry/OrganisationsListPage';
import { PeopleListPage } from './features/registry/PeopleListPage';
import { PersonFormPage } from './features/registry/PersonFormPage';
import { RequestsPage } from './features/requests/RequestsPage';
import { CampaignRoutes, InvitationPage, isCampaignPath, isSeriesPath, SeriesRoutes, SurveyPage, workshopRoles } from './features/workshops/routes';
import { WorkshopsPage } from './features/workshops/WorkshopsPage';
import { invitationPath, surveyPath } from './features/workshops/api';
import { I18nProvider } from './i18n/I18nProvider';
import type { Language, MessageKey } from './i18n/catalogue';
import { usePath, type PatternRoute } from './router/router';
import { signInCompletePath, signInPath, type Me } from './session/api';
import { RequireRole } from './session/RequireRole';
import { SessionProvider, useSession } from './session/SessionProvider';
import { Shell, type NavItem } from './shell/Shell';

interface Route extends NavItem {
  titleKey: MessageKey;
  page: ComponentType;
  /** Only people with one of these roles see the link and the page. */
  roles?: readonly string[];
  /** A track not built yet: its page says so, and the navigation leaves it out until it exists. */
  planned?: true;
}

const registryRoles = ['admin', 'coordinator'] as const;
const adminRoles = ['admin'] as const;
const isUnder = (base: string) => (path: string) => path.startsWith(`${base}/`) && path.length > base.length + 1;

/** Every page in the navigation, in navigation order. One feature folder per backend feature. */
export const routes: readonly Route[] = [
  { path: '/', labelKey: 'nav.home', titleKey: 'home.title', page: HomePage },
  { path: '/workshops', labelKey: 'nav.workshops', titleKey: 'workshops.title', page: WorkshopsPage },
  { path: '/nominations', labelKey: 'nav.nominations', titleKey: 'nominations.title', page: NominationsPage },
  { path: '/cohorts', labelKey: 'nav.cohorts', titleKey: 'cohorts.title', page: CohortsPage },
  { path: '/library', labelKey: 'nav.library', titleKey: 'library.title', page: LibraryPage, planned: true },
  { path: '/requests', labelKey: 'nav.requests', titleKey: 'requests.title', page: RequestsPage, planned: true },
  { path: newsletterPath, labelKey: 'nav.newsletter', titleKey: 'newsletter.title', page: NewsletterPage },
  { path: peoplePath, labelKey: 'nav.people', titleKey: 'people.title', page: PeopleListPage, roles: registryRoles },
  { path: organisationsPath, labelKey: 'nav.organisations', titleKey: 'organisations.title', page: OrganisationsListPage, roles: registryRoles },
  { path: importPath, labelKey: 'nav.import', titleKey: 'import.title', page: ImportPage, roles: registryRoles },
  { path: auditPath, labelKey: 'nav.audit', titleKey: 'audit.title', page: AuditLogPage, roles: adminRoles },
  { path: workflowsPath, labelKey: 'nav.workflows', titleKey: 'monitor.list.title', page: WorkflowListPage, roles: adminRoles },
];

/** Pages with a parameter in the path; they are reached from links, not from the navigation. */
export const patternRoutes: readonly PatternRoute[] = [
  {
    matches: (path) => path.startsWith(`${workflowsPath}/`) && path.length > workflowsPath.length + 1,
    titleKey: 'monitor.detail.title',
    page: WorkflowDetailPage,
    roles: adminRoles,
  },
  // Reached from emails and the banner, not from the navigation.
  { matches: (path) => path === signInPath, titleKey: 'signIn.title', page: SignInPage },
  { matches: (path) => path === signInCompletePath, titleKey: 'signInComplete.title', page: SignInCompletePage },
  { matches: (path) => path === newsletterConfirmPath, titleKey: 'newsletterConfirm.title', page: NewsletterConfirmPage },
  { matches: (path) => path === accountPath, titleKey: 'account.title', page: AccountPage },
  { matches: isUnder(peoplePath), titleKey: 'person.editTitle', page: PersonFormPage, roles: registryRoles },
  // Workshops: public pages behind emailed links, and the coordinators' series and campaign pages.
  { matches: (path) => path === invitationPath, titleKey: 'ws.invite.title', page: InvitationPage },
  { matches: (path) => path === surveyPath, titleKey: 'ws.surveyPage.title', page: SurveyPage },
  { matches: isSeriesPath, titleKey: 'ws.series.heading', page: SeriesRoutes, roles: workshopRoles },
  { matches: isCampaignPath, titleKey: 'ws.campaign.heading', page: CampaignRoutes, roles: workshopRoles },
  { matches: isUnder(organisationsPath), titleKey: 'organisation.editTitle', page: OrganisationFormPage, roles: registryRoles },
  // Each track lists its own pages with parameters (calls, nominations, reviews; cohorts, onboarding).
  ...nominationsPatternRoutes,
  ...cohortsPatternRoutes,
];

function Router() {
  const path = usePath();
  const route = routes.find((r) => r.path === path) ?? patternRoutes.find((r) => r.matches(path));
  const Page = route?.page ?? NotFoundPage;
  const session = useSession();
  const nav = routes.filter((r) => !r.planned && (!r.roles || session.hasRole(...r.roles)));
  const titleKey = route?.titleKey ?? 'notFound.title';
  return (
    <Shell nav={nav} path={path} titleKey={titleKey}>
      {/* A new instance id is a new page: fresh state, fresh polling. */}
      {route?.roles ? (
        <RequireRole roles={route.roles} titleKey={titleKey}>
          <Page key={'matches' in route ? path : undefined} />
        </RequireRole>
      ) : (
        <Page key={route && 'matches' in route ? path : undefined} />
      )}
    </Shell>
  );
}

export function App({ language, session }: { language: Language; session?: Me | null }) {
  return (
    <I18nProvider initialLanguage={language}>
      <ToastProvider>
        <SessionProvider initial={session}>
          <Router />
        </SessionProvider>
      </ToastProvider>
    </I18nProvider>
  );
}
