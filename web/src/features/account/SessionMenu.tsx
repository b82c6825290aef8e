import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { signInPath } from '../../session/api';
import { useSession } from '../../session/SessionProvider';
import { accountPath } from './paths';

/** In the banner: "Sign in", or the signed-in person's name (their account page) and "Sign out". */
export function SessionMenu() {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState(false);

  if (session.status === 'loading') {
    return null;
  }
  if (!session.me) {
    return (
      <div class="session-menu">
        <Link href={signInPath} class="session-menu__link">
          {t('session.signIn')}
        </Link>
      </div>
    );
  }
  return (
    <div class="session-menu">
      <span class="visually-hidden">{t('session.signedInAs')} </span>
      <Link href={accountPath} class="session-menu__link" id="session-name">
        {session.me.name}
      </Link>
      <button
        type="button"
        class="button button--secondary session-menu__sign-out"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await session.signOut();
          } finally {
            setBusy(false);
            navigate('/');
          }
        }}
      >
        {t('session.signOut')}
      </button>
    </div>
  );
}
