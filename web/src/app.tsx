import type { ComponentType } from 'preact';
import { CohortsPage } from './features/cohorts/CohortsPage';
import { HomePage } from './features/home/HomePage';
import { LibraryPage } from './features/library/LibraryPage';
import { NominationsPage } from './features/nominations/NominationsPage';
import { NotFoundPage } from './features/notfound/NotFoundPage';
import { RequestsPage } from './features/requests/RequestsPage';
import { WorkshopsPage } from './features/workshops/WorkshopsPage';
import { I18nProvider } from './i18n/I18nProvider';
import type { Language, MessageKey } from './i18n/catalogue';
import { usePath } from './router/router';
import { Shell, type NavItem } from './shell/Shell';

interface Route extends NavItem {
  titleKey: MessageKey;
  page: ComponentType;
}

/** Every page, in navigation order. One feature folder per backend feature. */
export const routes: readonly Route[] = [
  { path: '/', labelKey: 'nav.home', titleKey: 'home.title', page: HomePage },
  { path: '/workshops', labelKey: 'nav.workshops', titleKey: 'workshops.title', page: WorkshopsPage },
  { path: '/nominations', labelKey: 'nav.nominations', titleKey: 'nominations.title', page: NominationsPage },
  { path: '/cohorts', labelKey: 'nav.cohorts', titleKey: 'cohorts.title', page: CohortsPage },
  { path: '/library', labelKey: 'nav.library', titleKey: 'library.title', page: LibraryPage },
  { path: '/requests', labelKey: 'nav.requests', titleKey: 'requests.title', page: RequestsPage },
];

function Router() {
  const path = usePath();
  const route = routes.find((r) => r.path === path);
  const Page = route?.page ?? NotFoundPage;
  return (
    <Shell nav={routes} path={path} titleKey={route?.titleKey ?? 'notFound.title'}>
      <Page />
    </Shell>
  );
}

export function App({ language }: { language: Language }) {
  return (
    <I18nProvider initialLanguage={language}>
      <Router />
    </I18nProvider>
  );
}
