import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { cohortPath, cohortRoles, cohortSize, createProgramme, listCohorts, listProgrammes, newCohortPath, type Cohort, type Programme } from './api';
import { problemMessage } from './labels';
import './cohorts.css';

/** What the track is for; coordinators and admins also get the programmes and cohorts they run. */
export function CohortsPage() {
  const { t } = useI18n();
  const session = useSession();
  return (
    <>
      <PageHeading>{t('cohorts.title')}</PageHeading>
      <p class="lead">{t('track.cohorts.summary', cohortSize)}</p>
      {session.hasRole(...cohortRoles) ? <CohortList /> : <p class="notice">{t('cohort.signInToManage')}</p>}
    </>
  );
}

function CohortList() {
  const { t, formatNumber } = useI18n();
  const toast = useToast();
  const [cohorts, setCohorts] = useState<Cohort[] | null>(null);
  const [programmes, setProgrammes] = useState<Programme[]>([]);
  const [failure, setFailure] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { summary, fieldErrors, attempt, fail, clear } = useFormFailure(problemMessage);

  const load = () => {
    Promise.all([listCohorts(), listProgrammes()])
      .then(([c, p]) => {
        setCohorts(c);
        setProgrammes(p);
      })
      .catch((error: unknown) => setFailure(describeError(error, t)));
  };
  useEffect(load, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await createProgramme({ name, description });
      toast.show(t('cohort.programme.created', { name }), 'success');
      setName('');
      setDescription('');
      clear();
      load();
    } catch (error) {
      fail(error, { name: 'programme-name', description: 'programme-description' });
    }
  };

  const columns: Column<Cohort>[] = [
    { key: 'name', header: t('cohort.name'), rowHeader: true, sortValue: (c) => c.name, cell: (c) => <Link href={cohortPath(c.id)}>{c.name}</Link> },
    { key: 'programme', header: t('cohort.programme'), sortValue: (c) => c.programmeName, cell: (c) => <span dir="auto">{c.programmeName}</span> },
    { key: 'start', header: t('cohort.startDate'), sortValue: (c) => c.startDate, cell: (c) => c.startDate },
    { key: 'end', header: t('cohort.endDate'), sortValue: (c) => c.endDate, cell: (c) => c.endDate },
    {
      key: 'seats',
      header: t('cohort.seats'),
      sortValue: (c) => c.seatsTaken,
      cell: (c) => t('progress.nOfN', { value: formatNumber(c.seatsTaken), max: formatNumber(c.capacity) }),
    },
  ];

  return (
    <>
      <h2>{t('cohort.list.heading')}</h2>
      {failure && (
        <div class="notice notice--error" role="alert">
          <p>{failure}</p>
        </div>
      )}
      <p class="button-row">
        <Link class="button" href={newCohortPath}>
          {t('cohort.new')}
        </Link>
      </p>
      {cohorts === null ? (
        <p role="status">{t('cohort.loading')}</p>
      ) : (
        <DataTable caption={t('cohort.list.heading')} columns={columns} rows={cohorts} rowKey={(c) => c.id} emptyText={t('cohort.list.empty')} />
      )}
      <h2>{t('cohort.programmes.heading')}</h2>
      <ul>
        {programmes.map((p) => (
          <li key={p.id} dir="auto">
            {p.name}
          </li>
        ))}
      </ul>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate class="panel">
        <h3>{t('cohort.programme.new')}</h3>
        <FormField id="programme-name" label={t('cohort.programme.name')} error={fieldErrors['programme-name']}>
          {(c) => <input {...c} class="input" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </FormField>
        <FormField id="programme-description" label={t('cohort.programme.description')} optional error={fieldErrors['programme-description']}>
          {(c) => <textarea {...c} class="input" rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button">
            {t('cohort.programme.create')}
          </button>
        </div>
      </form>
    </>
  );
}
