import { PlaceholderPage } from '../../shell/PlaceholderPage';

export function LibraryPage() {
  return <PlaceholderPage titleKey="library.title" summaryKey="track.library.summary" />;
}
