import type { ComponentType } from 'preact';
import { ToastProvider } from './components/Toasts';
import { accountPath } from './features/account/paths';
import { auditPath } from './features/audit/paths';
import { cohortsPatternRoutes } from './features/cohorts/routes';
import { workflowsPath } from './features/monitor/paths';
import { newsletterConfirmPath, newsletterPath } from './features/newsletter/paths';
import { nominationsPatternRoutes } from './features/nominations/routes';
import { NotFoundPage } from './features/notfound/NotFoundPage';
import { importPath, organisationsPath, peoplePath } from './features/registry/api';
import { workshopsPatternRoutes } from './features/workshops/routes';
import { I18nProvider } from './i18n/I18nProvider';
import type { Language, MessageKey } from './i18n/catalogue';
import { lazyPage, type LazyPage } from './router/lazyPage';
import { usePath, type PatternRoute } from './router/router';
import { signInCompletePath, signInPath, type Me } from './session/api';
import { RequireRole } from './session/RequireRole';
import { SessionProvider, useSession } from './session/SessionProvider';
import { Shell, type NavItem } from './shell/Shell';

// Each page is fetched when it is first shown (see lazyPage).
const HomePage = lazyPage(() => import('./features/home/HomePage').then((m) => m.HomePage));
const WorkshopsPage = lazyPage(() => import('./features/workshops/WorkshopsPage').then((m) => m.WorkshopsPage));
const NominationsPage = lazyPage(() => import('./features/nominations/NominationsPage').then((m) => m.NominationsPage));
const CohortsPage = lazyPage(() => import('./features/cohorts/CohortsPage').then((m) => m.CohortsPage));
const LibraryPage = lazyPage(() => import('./features/library/LibraryPage').then((m) => m.LibraryPage));
const RequestsPage = lazyPage(() => import('./features/requests/RequestsPage').then((m) => m.RequestsPage));
const NewsletterPage = lazyPage(() => import('./features/newsletter/NewsletterPage').then((m) => m.NewsletterPage));
const NewsletterConfirmPage = lazyPage(() => import('./features/newsletter/NewsletterConfirmPage').then((m) => m.NewsletterConfirmPage));
const PeopleListPage = lazyPage(() => import('./features/registry/PeopleListPage').then((m) => m.PeopleListPage));
const PersonFormPage = lazyPage(() => import('./features/registry/PersonFormPage').then((m) => m.PersonFormPage));
const OrganisationsListPage = lazyPage(() => import('./features/registry/OrganisationsListPage').then((m) => m.OrganisationsListPage));
const OrganisationFormPage = lazyPage(() => import('./features/registry/OrganisationFormPage').then((m) => m.OrganisationFormPage));
const ImportPage = lazyPage(() => import('./features/registry/ImportPage').then((m) => m.ImportPage));
const AuditLogPage = lazyPage(() => import('./features/audit/AuditPage').then((m) => m.AuditLogPage));
const WorkflowListPage = lazyPage(() => import('./features/monitor/WorkflowListPage').then((m) => m.WorkflowListPage));
const WorkflowDetailPage = lazyPage(() => import('./features/monitor/WorkflowDetailPage').then((m) => m.WorkflowDetailPage));
const SignInPage = lazyPage(() => import('./features/auth/SignInPage').then((m) => m.SignInPage));
const SignInCompletePage = lazyPage(() => import('./features/auth/SignInCompletePage').then((m) => m.SignInCompletePage));
const AccountPage = lazyPage(() => import('./features/account/AccountPage').then((m) => m.AccountPage));

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
  { matches: isUnder(organisationsPath), titleKey: 'organisation.editTitle', page: OrganisationFormPage, roles: registryRoles },
  // Each track lists its own pages with parameters (invitations, surveys, series and campaigns;
  // calls, nominations, reviews; cohorts, onboarding).
  ...workshopsPatternRoutes,
  ...nominationsPatternRoutes,
  ...cohortsPatternRoutes,
];

/** The page at a path, if the portal has one. */
export function routeFor(path: string): Route | PatternRoute | undefined {
  return routes.find((r) => r.path === path) ?? patternRoutes.find((r) => r.matches(path));
}

/** Fetches the code of the page at a path ahead of its first render. */
export function preloadPage(path: string): Promise<unknown> {
  const page = routeFor(path)?.page;
  return page && 'preload' in page ? (page as LazyPage<object>).preload() : Promise.resolve();
}

function Router() {
  const path = usePath();
  const route = routeFor(path);
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
