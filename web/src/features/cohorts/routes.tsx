import { lazyPage } from '../../router/lazyPage';
import { decodeSegment, usePath, type PatternRoute } from '../../router/router';
import { cohortBasePath, cohortRoles, newCohortPath, onboardingPath, proposalPath } from './api';

const ChallengesPage = lazyPage(() => import('./ChallengesPage').then((m) => m.ChallengesPage));
const CohortFormPage = lazyPage(() => import('./CohortFormPage').then((m) => m.CohortFormPage));
const CohortPage = lazyPage(() => import('./CohortPage').then((m) => m.CohortPage));
const FishbonePage = lazyPage(() => import('./FishbonePage').then((m) => m.FishbonePage));
const OnboardingPage = lazyPage(() => import('./OnboardingPage').then((m) => m.OnboardingPage));
const ProposalPage = lazyPage(() => import('./ProposalPage').then((m) => m.ProposalPage));

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
