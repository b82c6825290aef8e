import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';
import { Link } from '../router/router';
import { PageHeading } from '../shell/PageHeading';
import { signInPath } from './api';
import { useSession } from './SessionProvider';

interface RequireRoleProps {
  /** Any one of these roles lets the reader in. */
  roles: readonly string[];
  titleKey: MessageKey;
  children: ComponentChildren;
}

/**
 * A page for some roles only: while the session loads it says so, a visitor is asked to sign in,
 * and a person without the role is told so; nobody gets a page of failed requests. When the
 * session cannot be determined the page renders and the server decides.
 */
export function RequireRole({ roles, titleKey, children }: RequireRoleProps) {
  const { t } = useI18n();
  const session = useSession();

  if (session.status === 'loading') {
    return (
      <>
        <PageHeading>{t(titleKey)}</PageHeading>
        <p role="status">{t('session.checking')}</p>
      </>
    );
  }
  if (session.status === 'anonymous') {
    return (
      <>
        <PageHeading>{t(titleKey)}</PageHeading>
        <p class="notice">{t('session.signInRequired')}</p>
        <p>
          <Link href={signInPath}>{t('session.signIn')}</Link>
        </p>
      </>
    );
  }
  if (session.status === 'signedIn' && !session.hasRole(...roles)) {
    return (
      <>
        <PageHeading>{t(titleKey)}</PageHeading>
        <p class="notice">{t('session.notAllowed')}</p>
        <p>
          <Link href="/">{t('placeholder.backHome')}</Link>
        </p>
      </>
    );
  }
  return <>{children}</>;
}
