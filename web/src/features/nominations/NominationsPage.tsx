import { PlaceholderPage } from '../../shell/PlaceholderPage';

export function NominationsPage() {
  return <PlaceholderPage titleKey="nominations.title" summaryKey="track.nominations.summary" />;
}
