import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { assignChallenge, cohortPath, cohortRoles, fishbonePath, getCohort, listChallenges, type Challenge, type Cohort } from './api';
import { failureText } from './labels';
import './cohorts.css';

type GroupBy = 'workshopGroup' | 'theme';

/** The cohort's management challenges on a board, grouped by workshop group or by theme; each is assigned in place. */
export function ChallengesPage({ cohortId }: { cohortId: string }) {
  return (
    <RequireRole roles={cohortRoles} titleKey="cohort.challenges">
      <Board cohortId={cohortId} />
    </RequireRole>
  );
}

function Board({ cohortId }: { cohortId: string }) {
  const { t } = useI18n();
  const [cohort, setCohort] = useState<Cohort | null>(null);
  const [challenges, setChallenges] = useState<Challenge[] | null>(null);
  const [failure, setFailure] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('workshopGroup');

  useEffect(() => {
    Promise.all([getCohort(cohortId), listChallenges(cohortId)])
      .then(([c, list]) => {
        setCohort(c);
        setChallenges(list);
      })
      .catch((error: unknown) => setFailure(describeError(error, t)));
  }, [cohortId]);

  const replace = (next: Challenge) => setChallenges((list) => (list ?? []).map((c) => (c.personId === next.personId ? next : c)));
  const groups = new Map<string, Challenge[]>();
  for (const c of challenges ?? []) {
    const key = (groupBy === 'workshopGroup' ? c.workshopGroup : c.theme) ?? '';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
  const knownGroups = [...new Set((challenges ?? []).map((c) => c.workshopGroup).filter((g): g is string => !!g))];
  const knownThemes = [...new Set((challenges ?? []).map((c) => c.theme).filter((g): g is string => !!g))];

  return (
    <>
      <p class="back-link">
        <Link href={cohortPath(cohortId)}>{t('cohort.challenges.back')}</Link>
      </p>
      <PageHeading>{t('cohort.challenges')}</PageHeading>
      {cohort && (
        <p class="lead" dir="auto">
          {cohort.name}
        </p>
      )}
      {failure && (
        <div class="notice notice--error" role="alert">
          <p>{failure}</p>
        </div>
      )}
      {challenges === null ? (
        !failure && <p role="status">{t('cohort.loading')}</p>
      ) : challenges.length === 0 ? (
        <p class="notice">{t('cohort.challenges.empty')}</p>
      ) : (
        <>
          <div class="form-field">
            <label class="form-field__label" for="board-group-by">
              {t('cohort.challenges.groupBy')}
            </label>
            <select id="board-group-by" class="input input--short" value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as GroupBy)}>
              <option value="workshopGroup">{t('cohort.challenges.workshopGroup')}</option>
              <option value="theme">{t('cohort.challenges.theme')}</option>
            </select>
          </div>
          <datalist id="board-groups">
            {knownGroups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
          <datalist id="board-themes">
            {knownThemes.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
          <div class="challenge-board">
            {ordered.map(([key, items]) => (
              <section class="challenge-column" key={key} aria-label={key || t('cohort.challenges.unassigned')}>
                <h2>
                  {key || t('cohort.challenges.unassigned')} <span class="challenge-count">({items.length})</span>
                </h2>
                {items.map((c) => (
                  <ChallengeCard key={c.personId} cohortId={cohortId} challenge={c} onSaved={replace} />
                ))}
              </section>
            ))}
          </div>
        </>
      )}
    </>
  );
}

function ChallengeCard({ cohortId, challenge, onSaved }: { cohortId: string; challenge: Challenge; onSaved: (c: Challenge) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [theme, setTheme] = useState(challenge.theme ?? '');
  const [group, setGroup] = useState(challenge.workshopGroup ?? '');
  const [error, setError] = useState('');
  const id = `challenge-${challenge.personId}`;

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const next = await assignChallenge(cohortId, challenge.personId, { theme, workshopGroup: group }, challenge.eTag);
      setError('');
      toast.show(t('cohort.challenges.saved', { title: next.title }), 'success');
      onSaved(next);
    } catch (e) {
      setError(failureText(t, e));
    }
  };

  return (
    <article class="challenge-card panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} dir="auto">
        {challenge.title}
      </h3>
      <p class="challenge-owner" dir="auto">
        {challenge.name}
      </p>
      <p dir="auto">{challenge.description}</p>
      <form onSubmit={save} noValidate>
        <div class="form-field">
          <label class="form-field__label" for={`${id}-theme`}>
            {t('cohort.challenges.theme')}
          </label>
          <input id={`${id}-theme`} class="input" type="text" list="board-themes" maxLength={100} value={theme} onInput={(e) => setTheme(e.currentTarget.value)} />
        </div>
        <div class="form-field">
          <label class="form-field__label" for={`${id}-group`}>
            {t('cohort.challenges.workshopGroup')}
          </label>
          <input id={`${id}-group`} class="input" type="text" list="board-groups" maxLength={100} value={group} onInput={(e) => setGroup(e.currentTarget.value)} />
        </div>
        {error && (
          <p class="form-field__error" role="alert">
            {error}
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="button button--secondary">
            {t('cohort.challenges.assign')}
            <span class="visually-hidden"> {challenge.title}</span>
          </button>
          <Link href={fishbonePath(cohortId, challenge.personId)}>
            {t('cohort.fishbone.open')}
            <span class="visually-hidden"> {challenge.title}</span>
          </Link>
        </div>
      </form>
    </article>
  );
}
