// The English catalogue is the source of truth: every key the portal uses is defined here, and
// every other language falls back to it for a key it lacks.
export const en = {
  'app.name': 'Innovation Network',
  'app.skipToContent': 'Skip to main content',
  'app.footer': 'A platform where public organisations learn from each other and adopt good practice.',

  'language.label': 'Language',

  'nav.label': 'Main',
  'nav.home': 'Home',
  'nav.workshops': 'Workshops',
  'nav.nominations': 'Nominations',
  'nav.cohorts': 'Cohorts',
  'nav.library': 'Library',
  'nav.requests': 'Requests',

  'home.title': 'Innovation Network',
  'home.intro':
    'The Innovation Network helps public organisations learn from each other and adopt good practice. It runs five programme tracks from start to finish.',
  'home.tracksHeading': 'Programme tracks',

  'track.workshops.name': 'Network and workshops',
  'track.workshops.summary':
    'Administrators invite members to the network, and members register for online co-design workshops through a personal invitation link. Feedback from the workshops refines the innovation development model.',
  'track.nominations.name': 'Nominations and expert review',
  'track.nominations.summary':
    'Organisations nominate improvement projects during a call. A panel of international experts scores them on clarity of goals, expected impact and practical feasibility, and the selected projects go through the five TRADE stages with regular progress reviews.',
  'track.cohorts.name': 'Cohorts and onboarding',
  'track.cohorts.summary':
    'Programmes run in cohorts of {min} to {max} participants. On joining, each participant submits a management challenge that the workshops analyse and that ends in a peer-learning session.',
  'track.library.name': 'Best-practice library',
  'track.library.summary':
    'Search good practice from around the world and from our own organisations, and submit your own for editors to review and publish.',
  'track.requests.name': 'Requests and appeals',
  'track.requests.summary':
    'Anyone can submit a complaint or a suggestion. It is routed to the responsible department and answered within a deadline, and the requester can object to the answer.',

  'status.heading': 'System status',
  'status.checking': 'Checking the system status…',
  'status.healthy': 'All systems are working.',
  'status.unhealthy': 'Some systems are not working.',
  'status.unavailable': 'The system status could not be loaded.',
  'status.checkedAt': 'Checked at {time}',
  'status.refresh': 'Check again',
  'status.check.tables': 'Table storage',
  'status.check.queues': 'Message queues',
  'status.check.blobs': 'File storage',
  'status.state.Healthy': 'Healthy',
  'status.state.Unhealthy': 'Unhealthy',
  'status.state.Degraded': 'Degraded',

  'placeholder.comingSoon': 'This part of the portal is coming soon.',
  'placeholder.backHome': 'Back to the home page',

  'workshops.title': 'Workshops',
  'nominations.title': 'Nominations',
  'cohorts.title': 'Cohorts',
  'library.title': 'Best-practice library',
  'requests.title': 'Requests and appeals',

  'notFound.title': 'Page not found',
  'notFound.body': 'There is no page at this address.',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;

/** A complete translation: the type checker reports a missing or unknown key. */
export type Catalogue = Record<MessageKey, string>;
