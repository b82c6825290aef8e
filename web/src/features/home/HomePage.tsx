import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey, Params } from '../../i18n/catalogue';
import { Link } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import { cohortSize } from '../cohorts/api';
import { SystemStatus } from './SystemStatus';

interface Track {
  path: string;
  nameKey: MessageKey;
  summaryKey: MessageKey;
  params?: Params;
  /** Not built yet: listed for what it will be, without a link. */
  planned?: true;
}

const tracks: readonly Track[] = [
  { path: '/workshops', nameKey: 'track.workshops.name', summaryKey: 'track.workshops.summary' },
  { path: '/nominations', nameKey: 'track.nominations.name', summaryKey: 'track.nominations.summary' },
  { path: '/cohorts', nameKey: 'track.cohorts.name', summaryKey: 'track.cohorts.summary', params: cohortSize },
  { path: '/library', nameKey: 'track.library.name', summaryKey: 'track.library.summary', planned: true },
  { path: '/requests', nameKey: 'track.requests.name', summaryKey: 'track.requests.summary', planned: true },
];

export function HomePage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('home.title')}</PageHeading>
      <p class="lead">{t('home.intro')}</p>
      <div class="home-grid">
        <section aria-labelledby="tracks-heading">
          <h2 id="tracks-heading">{t('home.tracksHeading')}</h2>
          <ul class="tracks">
            {tracks.map((track) => (
              <li key={track.path} class="track">
                <h3>{track.planned ? t(track.nameKey) : <Link href={track.path}>{t(track.nameKey)}</Link>}</h3>
                <p>{t(track.summaryKey, track.params)}</p>
                {track.planned && <p class="track__planned">{t('home.planned')}</p>}
              </li>
            ))}
          </ul>
        </section>
        <SystemStatus />
      </div>
    </>
  );
}
