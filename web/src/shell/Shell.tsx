import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';
import { PageTitleContext } from '../router/lazyPage';
import { Link } from '../router/router';
import { SessionMenu } from '../features/account/SessionMenu';
import { LanguageSwitcher } from './LanguageSwitcher';
import { pageHeadingId } from './PageHeading';

export interface NavItem {
  path: string;
  labelKey: MessageKey;
}

interface ShellProps {
  nav: readonly NavItem[];
  path: string;
  titleKey: MessageKey;
  children: ComponentChildren;
}

/** Skip link, banner with the platform name and language, main navigation, main, footer. */
export function Shell({ nav, path, titleKey, children }: ShellProps) {
  const { t } = useI18n();
  const appName = t('app.name');
  const pageTitle = t(titleKey);

  useEffect(() => {
    document.title = pageTitle === appName ? appName : `${pageTitle} – ${appName}`;
  }, [pageTitle, appName]);

  // After a client-side navigation (not the first load) focus goes to the new page's heading,
  // as it would land at the top of a freshly loaded page.
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) {
      return;
    }
    firstPath.current = '';
    document.getElementById(pageHeadingId)?.focus();
    window.scrollTo?.(0, 0);
  }, [path]);

  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="site-header">
        <div class="container site-header__inner">
          <Link href="/" class="site-name">
            {appName}
          </Link>
          <LanguageSwitcher />
          <SessionMenu />
        </div>
        <nav class="site-nav" aria-label={t('nav.label')}>
          <ul class="container site-nav__list">
            {nav.map((item) => (
              <li key={item.path}>
                <Link href={item.path}>{t(item.labelKey)}</Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" class="container site-main" tabIndex={-1}>
        <PageTitleContext.Provider value={titleKey}>{children}</PageTitleContext.Provider>
      </main>
      <footer class="site-footer">
        <p class="container">{t('app.footer')}</p>
      </footer>
    </>
  );
}
