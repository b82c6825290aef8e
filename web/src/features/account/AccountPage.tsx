import { useI18n } from '../../i18n/I18nProvider';
import { languages } from '../../i18n/catalogue';
import { RequireRole } from '../../session/RequireRole';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { roleLabel } from '../registry/labels';

/** Who is signed in, their roles, and the language the portal and their emails use. */
export function AccountPage() {
  return (
    <RequireRole roles={['admin', 'coordinator', 'reviewer', 'member']} titleKey="account.title">
      <AccountDetails />
    </RequireRole>
  );
}

function AccountDetails() {
  const { t } = useI18n();
  const { me } = useSession();
  if (!me) {
    return <PageHeading>{t('account.title')}</PageHeading>;
  }
  const languageName = languages.find((l) => l.code === me.language)?.name ?? me.language;
  return (
    <>
      <PageHeading>{t('account.title')}</PageHeading>
      <dl class="summary-list">
        <div>
          <dt>{t('person.name')}</dt>
          <dd>{me.name}</dd>
        </div>
        <div>
          <dt>{t('person.email')}</dt>
          <dd>{me.email}</dd>
        </div>
        <div>
          <dt>{t('account.roles')}</dt>
          <dd>{me.roles.map((r) => roleLabel(t, r)).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('account.language')}</dt>
          <dd lang={me.language}>{languageName}</dd>
        </div>
      </dl>
      <p>{t('account.languageHint')}</p>
    </>
  );
}
