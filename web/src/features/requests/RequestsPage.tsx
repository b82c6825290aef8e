import { PlaceholderPage } from '../../shell/PlaceholderPage';

export function RequestsPage() {
  return <PlaceholderPage titleKey="requests.title" summaryKey="track.requests.summary" />;
}
