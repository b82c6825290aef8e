import { decodeSegment, usePath, type PatternRoute } from '../../router/router';
import { cohortBasePath, newCohortPath, onboardingPath, proposalPath } from './api';
import { ChallengesPage } from './ChallengesPage';
import { CohortFormPage } from './CohortFormPage';
import { CohortPage } from './CohortPage';
import { cohortRoles } from './CohortsPage';
import { FishbonePage } from './FishbonePage';
import { OnboardingPage } from './OnboardingPage';
import { ProposalPage } from './ProposalPage';

/** /cohorts/c/{id}, …/edit, …/challenges and …/challenges/{personId}. */
function CohortRoutes() {
  const path = usePath();
  const [id = '', action, personId] = path.slice(cohortBasePath.length + 1).split('/').map(decodeSegment);
  if (action === 'edit') return <CohortFormPage cohortId={id} />;
  if (action === 'challenges' && personId) return <FishbonePage cohortId={id} personId={personId} />;
  if (action === 'challenges') return <ChallengesPage cohortId={id} />;
  return <CohortPage cohortId={id} />;
}

function NewCohortRoute() {
  return <CohortFormPage />;
}

export const cohortsPatternRoutes: readonly PatternRoute[] = [
  { matches: (path) => path === newCohortPath, titleKey: 'cohort.new', page: NewCohortRoute, roles: cohortRoles },
  { matches: (path) => path.startsWith(`${cohortBasePath}/`) && path.length > cohortBasePath.length + 1, titleKey: 'cohort.heading', page: CohortRoutes, roles: cohortRoles },
  // Reached from emailed links; the token in the fragment is the only key.
  { matches: (path) => path === onboardingPath, titleKey: 'cohort.onb.title', page: OnboardingPage },
  { matches: (path) => path === proposalPath, titleKey: 'cohort.proposal.title', page: ProposalPage },
];
