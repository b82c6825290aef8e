import { useEffect, useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { send } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import {
  cohortPath,
  cohortRoles,
  cohortsPath,
  createCohort,
  getCohort,
  listProgrammes,
  updateCohort,
  type BudgetLine,
  type CohortRequest,
  type Programme,
  type SteeringMember,
} from './api';
import { problemMessage } from './labels';
import './cohorts.css';

interface Option {
  id: string;
  label: string;
}

interface OrgRow {
  organisationId: string;
  quota: string;
}

interface BudgetRow {
  label: string;
  planned: string;
  spent: string;
}

/** Creates a cohort (no id) or edits one: dates, capacity, people, organisations with quotas, budget lines. */
export function CohortFormPage({ cohortId }: { cohortId?: string }) {
  return (
    <RequireRole roles={cohortRoles} titleKey={cohortId ? 'cohort.edit' : 'cohort.new'}>
      <CohortForm cohortId={cohortId} />
    </RequireRole>
  );
}

const empty: CohortRequest = {
  programmeId: '',
  name: '',
  startDate: '',
  endDate: '',
  capacity: 40,
  coordinatorId: '',
  managerIds: [],
  steeringCommittee: [],
  organisations: [],
  budget: [],
  currency: 'EUR',
};

function CohortForm({ cohortId }: { cohortId?: string }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState<CohortRequest>(empty);
  const [capacity, setCapacity] = useState('40');
  const [steering, setSteering] = useState<SteeringMember[]>([]);
  const [orgs, setOrgs] = useState<OrgRow[]>([]);
  const [budget, setBudget] = useState<BudgetRow[]>([]);
  const [eTag, setETag] = useState('');
  const [programmes, setProgrammes] = useState<Programme[]>([]);
  const [people, setPeople] = useState<Option[]>([]);
  const [organisations, setOrganisations] = useState<Option[]>([]);
  const { summary, fieldErrors, attempt, fail } = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    listProgrammes().then(setProgrammes).catch(() => setProgrammes([]));
    send<{ items: { id: string; name: string; email: string }[] }>('GET', '/api/registry/people?pageSize=100')
      .then((page) => setPeople(page.items.map((p) => ({ id: p.id, label: `${p.name} <${p.email}>` }))))
      .catch(() => setPeople([]));
    send<{ items: { id: string; names: Record<string, string> }[] }>('GET', '/api/registry/organisations?pageSize=100')
      .then((page) => setOrganisations(page.items.map((o) => ({ id: o.id, label: o.names[language] ?? o.names.en ?? o.id }))))
      .catch(() => setOrganisations([]));
    if (cohortId) {
      getCohort(cohortId)
        .then((c) => {
          setForm({
            programmeId: c.programmeId,
            name: c.name,
            startDate: c.startDate,
            endDate: c.endDate,
            capacity: c.capacity,
            coordinatorId: c.coordinator?.id ?? '',
            managerIds: c.managers.map((m) => m.id),
            steeringCommittee: [],
            organisations: [],
            budget: [],
            currency: c.currency,
          });
          setCapacity(String(c.capacity));
          setSteering(c.steeringCommittee);
          setOrgs(c.organisations.map((o) => ({ organisationId: o.organisationId, quota: String(o.quota) })));
          setBudget(c.budget.map((b) => ({ label: b.label, planned: String(b.planned), spent: String(b.spent) })));
          setETag(c.eTag);
        })
        .catch(() => undefined);
    }
  }, [cohortId]);

  const set = <K extends keyof CohortRequest>(key: K, value: CohortRequest[K]) => setForm((f) => ({ ...f, [key]: value }));

  const fields: Record<string, string> = {
    programmeId: 'cohort-programme',
    name: 'cohort-name',
    startDate: 'cohort-start',
    endDate: 'cohort-end',
    capacity: 'cohort-capacity',
    coordinatorId: 'cohort-coordinator',
    managerIds: 'cohort-managers',
    currency: 'cohort-currency',
    organisations: 'cohort-orgs',
    budget: 'cohort-budget',
    steeringCommittee: 'cohort-steering',
  };
  steering.forEach((_, i) => {
    fields[`steeringCommittee[${i}].name`] = `steering-${i}-name`;
    fields[`steeringCommittee[${i}].role`] = `steering-${i}-role`;
  });
  orgs.forEach((_, i) => {
    fields[`organisations[${i}].organisationId`] = `org-${i}-id`;
    fields[`organisations[${i}].quota`] = `org-${i}-quota`;
  });
  budget.forEach((_, i) => {
    fields[`budget[${i}].label`] = `budget-${i}-label`;
    fields[`budget[${i}].planned`] = `budget-${i}-planned`;
    fields[`budget[${i}].spent`] = `budget-${i}-spent`;
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const request: CohortRequest = {
      ...form,
      capacity: capacity === '' ? null : Number(capacity),
      steeringCommittee: steering,
      organisations: orgs.map((o) => ({ organisationId: o.organisationId, quota: Number(o.quota) })),
      budget: budget.map((b): BudgetLine => ({ label: b.label, planned: Number(b.planned || 0), spent: Number(b.spent || 0) })),
    };
    try {
      const saved = cohortId ? await updateCohort(cohortId, request, eTag) : await createCohort(request);
      toast.show(t('cohort.saved', { name: saved.name }), 'success');
      navigate(cohortPath(saved.id));
    } catch (error) {
      fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  const select = (id: string, value: string, onChange: (v: string) => void, options: Option[], label: string, error?: string) => (
    <FormField id={id} label={label} error={error}>
      {(c) => (
        <select {...c} class="input" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('cohort.choose')}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );

  return (
    <>
      <p class="back-link">
        <Link href={cohortId ? cohortPath(cohortId) : cohortsPath}>{t('cohort.back')}</Link>
      </p>
      <PageHeading>{t(cohortId ? 'cohort.edit' : 'cohort.new')}</PageHeading>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        {select('cohort-programme', form.programmeId, (v) => set('programmeId', v), programmes.map((p) => ({ id: p.id, label: p.name })), t('cohort.programme'), fieldErrors['cohort-programme'])}
        <FormField id="cohort-name" label={t('cohort.name')} hint={t('cohort.nameHint')} error={fieldErrors['cohort-name']}>
          {(c) => <input {...c} class="input" type="text" value={form.name} onInput={(e) => set('name', e.currentTarget.value)} />}
        </FormField>
        <FormField id="cohort-start" label={t('cohort.startDate')} error={fieldErrors['cohort-start']}>
          {(c) => <input {...c} class="input input--short" type="date" value={form.startDate} onInput={(e) => set('startDate', e.currentTarget.value)} />}
        </FormField>
        <FormField id="cohort-end" label={t('cohort.endDate')} error={fieldErrors['cohort-end']}>
          {(c) => <input {...c} class="input input--short" type="date" value={form.endDate} onInput={(e) => set('endDate', e.currentTarget.value)} />}
        </FormField>
        <FormField id="cohort-capacity" label={t('cohort.capacity')} hint={t('cohort.capacityHint')} error={fieldErrors['cohort-capacity']}>
          {(c) => <input {...c} class="input input--short" type="number" min={1} max={100} inputMode="numeric" value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />}
        </FormField>
        {select('cohort-coordinator', form.coordinatorId, (v) => set('coordinatorId', v), people, t('cohort.coordinator'), fieldErrors['cohort-coordinator'])}
        <FormField id="cohort-managers" label={t('cohort.managers')} hint={t('cohort.managersHint')} optional error={fieldErrors['cohort-managers']}>
          {(c) => (
            <select
              {...c}
              class="input"
              multiple
              size={Math.min(6, Math.max(2, people.length))}
              onChange={(e) => set('managerIds', Array.from(e.currentTarget.selectedOptions, (o) => o.value))}
            >
              {people.map((p) => (
                <option key={p.id} value={p.id} selected={form.managerIds.includes(p.id)}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </FormField>

        <fieldset class="form-group" id="cohort-steering" tabIndex={-1}>
          <legend>{t('cohort.steering')}</legend>
          {steering.map((m, i) => (
            <div class="repeated-row" key={i}>
              <FormField id={`steering-${i}-name`} label={t('cohort.steering.name')} error={fieldErrors[`steering-${i}-name`]}>
                {(c) => <input {...c} class="input" type="text" value={m.name} onInput={(e) => setSteering(steering.map((s, j) => (j === i ? { ...s, name: e.currentTarget.value } : s)))} />}
              </FormField>
              <FormField id={`steering-${i}-role`} label={t('cohort.steering.role')} optional error={fieldErrors[`steering-${i}-role`]}>
                {(c) => <input {...c} class="input" type="text" value={m.role} onInput={(e) => setSteering(steering.map((s, j) => (j === i ? { ...s, role: e.currentTarget.value } : s)))} />}
              </FormField>
              <button type="button" class="button button--secondary repeated-row__remove" onClick={() => setSteering(steering.filter((_, j) => j !== i))}>
                {t('cohort.remove')}
                <span class="visually-hidden"> {m.name}</span>
              </button>
            </div>
          ))}
          <button type="button" class="button button--secondary" onClick={() => setSteering([...steering, { name: '', role: '' }])}>
            {t('cohort.steering.add')}
          </button>
        </fieldset>

        <fieldset class="form-group" id="cohort-orgs" tabIndex={-1}>
          <legend>{t('cohort.organisations')}</legend>
          {fieldErrors['cohort-orgs'] && <p class="form-field__error">{fieldErrors['cohort-orgs']}</p>}
          {orgs.map((o, i) => (
            <div class="repeated-row" key={i}>
              {select(`org-${i}-id`, o.organisationId, (v) => setOrgs(orgs.map((r, j) => (j === i ? { ...r, organisationId: v } : r))), organisations, t('cohort.organisation'), fieldErrors[`org-${i}-id`])}
              <FormField id={`org-${i}-quota`} label={t('cohort.quota')} error={fieldErrors[`org-${i}-quota`]}>
                {(c) => <input {...c} class="input input--short" type="number" min={1} inputMode="numeric" value={o.quota} onInput={(e) => setOrgs(orgs.map((r, j) => (j === i ? { ...r, quota: e.currentTarget.value } : r)))} />}
              </FormField>
              <button type="button" class="button button--secondary repeated-row__remove" onClick={() => setOrgs(orgs.filter((_, j) => j !== i))}>
                {t('cohort.remove')}
              </button>
            </div>
          ))}
          <button type="button" class="button button--secondary" onClick={() => setOrgs([...orgs, { organisationId: '', quota: '10' }])}>
            {t('cohort.organisations.add')}
          </button>
        </fieldset>

        <fieldset class="form-group" id="cohort-budget" tabIndex={-1}>
          <legend>{t('cohort.budget')}</legend>
          {fieldErrors['cohort-budget'] && <p class="form-field__error">{fieldErrors['cohort-budget']}</p>}
          {budget.map((b, i) => (
            <div class="repeated-row" key={i}>
              <FormField id={`budget-${i}-label`} label={t('cohort.budget.label')} error={fieldErrors[`budget-${i}-label`]}>
                {(c) => <input {...c} class="input" type="text" value={b.label} onInput={(e) => setBudget(budget.map((r, j) => (j === i ? { ...r, label: e.currentTarget.value } : r)))} />}
              </FormField>
              <FormField id={`budget-${i}-planned`} label={t('cohort.budget.planned')} error={fieldErrors[`budget-${i}-planned`]}>
                {(c) => <input {...c} class="input input--short" type="number" min={0} step="0.01" value={b.planned} onInput={(e) => setBudget(budget.map((r, j) => (j === i ? { ...r, planned: e.currentTarget.value } : r)))} />}
              </FormField>
              <FormField id={`budget-${i}-spent`} label={t('cohort.budget.spent')} error={fieldErrors[`budget-${i}-spent`]}>
                {(c) => <input {...c} class="input input--short" type="number" min={0} step="0.01" value={b.spent} onInput={(e) => setBudget(budget.map((r, j) => (j === i ? { ...r, spent: e.currentTarget.value } : r)))} />}
              </FormField>
              <button type="button" class="button button--secondary repeated-row__remove" onClick={() => setBudget(budget.filter((_, j) => j !== i))}>
                {t('cohort.remove')}
              </button>
            </div>
          ))}
          <button type="button" class="button button--secondary" onClick={() => setBudget([...budget, { label: '', planned: '0', spent: '0' }])}>
            {t('cohort.budget.add')}
          </button>
        </fieldset>
        <FormField id="cohort-currency" label={t('cohort.currency')} error={fieldErrors['cohort-currency']}>
          {(c) => <input {...c} class="input input--short" type="text" maxLength={3} dir="ltr" value={form.currency} onInput={(e) => set('currency', e.currentTarget.value.toUpperCase())} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t(cohortId ? 'cohort.save' : 'cohort.create')}
          </button>
        </div>
      </form>
    </>
  );
}
