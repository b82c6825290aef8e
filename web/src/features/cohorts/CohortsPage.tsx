import { PlaceholderPage } from '../../shell/PlaceholderPage';

/** The size of a cohort (an edition of a programme), as the programmes run them. */
export const cohortSize = { min: 25, max: 40 } as const;

export function CohortsPage() {
  return <PlaceholderPage titleKey="cohorts.title" summaryKey="track.cohorts.summary" summaryParams={cohortSize} />;
}
