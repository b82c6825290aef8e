import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('notFound.title')}</PageHeading>
      <p>{t('notFound.body')}</p>
      <p>
        <Link href="/">{t('placeholder.backHome')}</Link>
      </p>
    </>
  );
}
