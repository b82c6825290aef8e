import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey, Params } from '../i18n/catalogue';
import { Link } from '../router/router';
import { PageHeading } from './PageHeading';

interface PlaceholderPageProps {
  titleKey: MessageKey;
  summaryKey: MessageKey;
  summaryParams?: Params;
}

/** A track's page before its features land: what the track is for, and that it is coming. */
export function PlaceholderPage({ titleKey, summaryKey, summaryParams }: PlaceholderPageProps) {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t(titleKey)}</PageHeading>
      <p class="lead">{t(summaryKey, summaryParams)}</p>
      <p class="notice">{t('placeholder.comingSoon')}</p>
      <p>
        <Link href="/">{t('placeholder.backHome')}</Link>
      </p>
    </>
  );
}
