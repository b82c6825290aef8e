import { PlaceholderPage } from '../../shell/PlaceholderPage';

export function WorkshopsPage() {
  return <PlaceholderPage titleKey="workshops.title" summaryKey="track.workshops.summary" />;
}
