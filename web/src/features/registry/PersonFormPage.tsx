import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import { languages } from '../../i18n/catalogue';
import { Link, navigate, usePath } from '../../router/router';
import { portalRoles } from '../../session/api';
import { CodedApiError } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { useSession } from '../../session/SessionProvider';
import { PageHeading } from '../../shell/PageHeading';
import { auditPathFor } from '../audit/paths';
import {
  allOrganisations,
  createPerson,
  getPerson,
  grantRole,
  idFromPath,
  newId,
  organisationName,
  peoplePath,
  personPath,
  revokeRole,
  updatePerson,
  type Organisation,
  type Person,
  type PersonRequest,
} from './api';
import { roleLabel } from './labels';
import { registryRoles } from './PeopleListPage';

export function PersonFormPage() {
  const path = usePath();
  const id = idFromPath(path, peoplePath);
  return (
    <RequireRole roles={registryRoles} titleKey={id === newId ? 'person.newTitle' : 'person.editTitle'}>
      <PersonForm key={id} id={id} />
    </RequireRole>
  );
}

interface FormState {
  name: string;
  email: string;
  organisationId: string;
  networkRole: string;
  preferredLanguage: string;
  consentGivenAt: string;
  consentTextVersion: string;
}

const ids = {
  name: 'person-name',
  email: 'person-email',
  organisationId: 'person-organisation',
  networkRole: 'person-network-role',
  preferredLanguage: 'person-language',
  consentGivenAt: 'person-consent-date',
  consentTextVersion: 'person-consent-version',
} as const;

const emptyForm: FormState = {
  name: '',
  email: '',
  organisationId: '',
  networkRole: '',
  preferredLanguage: 'en',
  consentGivenAt: '',
  consentTextVersion: '',
};

function toForm(person: Person): FormState {
  return {
    name: person.name,
    email: person.email,
    organisationId: person.organisationId ?? '',
    networkRole: person.networkRole ?? '',
    preferredLanguage: person.preferredLanguage,
    consentGivenAt: person.consent?.givenAt.slice(0, 10) ?? '',
    consentTextVersion: person.consent?.textVersion ?? '',
  };
}

/** The form as the API takes it; a consent date is the start of that day in UTC. */
export function toPersonRequest(form: FormState): PersonRequest {
  const hasConsent = form.consentGivenAt !== '' || form.consentTextVersion.trim() !== '';
  return {
    name: form.name.trim(),
    email: form.email.trim(),
    organisationId: form.organisationId,
    networkRole: form.networkRole.trim() === '' ? null : form.networkRole.trim(),
    preferredLanguage: form.preferredLanguage,
    consent: hasConsent
      ? { givenAt: form.consentGivenAt === '' ? null : `${form.consentGivenAt}T00:00:00Z`, textVersion: form.consentTextVersion.trim() || null }
      : null,
  };
}

type Load = { kind: 'loading' } | { kind: 'ready'; person: Person | null } | { kind: 'notFound' } | { kind: 'failed'; error: unknown };

function PersonForm({ id }: { id: string }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const session = useSession();
  const creating = id === newId;
  const [load, setLoad] = useState<Load>(creating ? { kind: 'ready', person: null } : { kind: 'loading' });
  const [form, setForm] = useState<FormState>(emptyForm);
  const [organisations, setOrganisations] = useState<Organisation[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<SummaryError[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  const loadPerson = () => {
    if (creating) return;
    setLoad({ kind: 'loading' });
    getPerson(id).then(
      (person) => {
        setLoad({ kind: 'ready', person });
        setForm(toForm(person));
        setStale(false);
        setSummary([]);
        setFieldErrors({});
      },
      (error: unknown) => setLoad(error instanceof CodedApiError && error.status === 404 ? { kind: 'notFound' } : { kind: 'failed', error }),
    );
  };

  useEffect(() => {
    loadPerson();
    allOrganisations().then(setOrganisations, () => setOrganisations([]));
  }, [id]);

  const titleKey = creating ? 'person.newTitle' : 'person.editTitle';

  if (load.kind === 'loading') {
    return (
      <>
        <PageHeading>{t(titleKey)}</PageHeading>
        <p role="status">{t('registry.loading')}</p>
      </>
    );
  }
  if (load.kind === 'notFound' || load.kind === 'failed') {
    return (
      <>
        <PageHeading>{t(titleKey)}</PageHeading>
        <p class="notice notice--error">{load.kind === 'notFound' ? t('person.notFound') : describeError(load.error, t)}</p>
        <p>
          <Link href={peoplePath}>{t('people.back')}</Link>
        </p>
      </>
    );
  }

  const person = load.person;
  const set = (field: keyof FormState) => (event: Event) =>
    setForm({ ...form, [field]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });

  const fail = (errors: SummaryError[], fields: Record<string, string> = {}) => {
    setFieldErrors(fields);
    setSummary(errors);
    setAttempt((n) => n + 1);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (form.name.trim() === '') local[ids.name] = t('person.nameRequired');
    if (form.email.trim() === '') local[ids.email] = t('person.emailRequired');
    if (form.organisationId === '') local[ids.organisationId] = t('person.organisationRequired');
    if (Object.keys(local).length > 0) {
      fail(Object.entries(local).map(([fieldId, message]) => ({ fieldId, message })), local);
      return;
    }
    setBusy(true);
    try {
      const request = toPersonRequest(form);
      const saved = creating ? await createPerson(request) : await updatePerson(id, request, person!.eTag);
      toast.show(t(creating ? 'person.created' : 'person.saved', { name: saved.name }), 'success');
      setSummary([]);
      setFieldErrors({});
      if (creating) {
        navigate(personPath(saved.id), { replace: true });
      } else {
        setLoad({ kind: 'ready', person: saved });
        setForm(toForm(saved));
      }
    } catch (error) {
      if (error instanceof CodedApiError && error.status === 412) {
        setStale(true);
        fail([{ message: t('registry.stale') }]);
      } else if (error instanceof CodedApiError && Object.keys(error.errors).length > 0) {
        const mapped = mapProblemErrors(error.errors, ids);
        fail(mapped.summary, mapped.fieldErrors);
      } else {
        fail([{ message: describeError(error, t) }]);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="back-link">
        <Link href={peoplePath}>{t('people.back')}</Link>
      </p>
      <PageHeading>{creating ? t('person.newTitle') : person!.name}</PageHeading>
      {!creating && session.hasRole('admin') && (
        <p>
          <Link href={auditPathFor('person', id)}>{t('person.history')}</Link>
        </p>
      )}
      <ErrorSummary errors={summary} attempt={attempt} />
      {stale && (
        <p>
          <button type="button" class="button button--secondary" onClick={loadPerson}>
            {t('registry.reload')}
          </button>
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <FormField id={ids.name} label={t('person.name')} error={fieldErrors[ids.name]}>
          {(c) => <input {...c} class="input" type="text" autoComplete="off" value={form.name} onInput={set('name')} />}
        </FormField>
        <FormField id={ids.email} label={t('person.email')} error={fieldErrors[ids.email]}>
          {(c) => <input {...c} class="input" type="email" dir="ltr" autoComplete="off" spellcheck={false} value={form.email} onInput={set('email')} />}
        </FormField>
        <FormField id={ids.organisationId} label={t('person.organisation')} error={fieldErrors[ids.organisationId]}>
          {(c) => (
            <select {...c} class="input" value={form.organisationId} onChange={set('organisationId')}>
              <option value="">{t('person.chooseOrganisation')}</option>
              {organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {organisationName(o, language)}
                </option>
              ))}
              {form.organisationId !== '' && !organisations.some((o) => o.id === form.organisationId) && (
                <option value={form.organisationId}>{form.organisationId}</option>
              )}
            </select>
          )}
        </FormField>
        <FormField id={ids.networkRole} label={t('person.networkRole')} hint={t('person.networkRoleHint')} optional error={fieldErrors[ids.networkRole]}>
          {(c) => <input {...c} class="input" type="text" value={form.networkRole} onInput={set('networkRole')} />}
        </FormField>
        <FormField id={ids.preferredLanguage} label={t('person.language')} hint={t('person.languageHint')} error={fieldErrors[ids.preferredLanguage]}>
          {(c) => (
            <select {...c} class="input" value={form.preferredLanguage} onChange={set('preferredLanguage')}>
              {languages.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <fieldset class="form-group">
          <legend>{t('person.consent')}</legend>
          <FormField id={ids.consentGivenAt} label={t('person.consentDate')} optional error={fieldErrors[ids.consentGivenAt]}>
            {(c) => <input {...c} class="input" type="date" value={form.consentGivenAt} onInput={set('consentGivenAt')} />}
          </FormField>
          <FormField id={ids.consentTextVersion} label={t('person.consentVersion')} hint={t('person.consentVersionHint')} optional error={fieldErrors[ids.consentTextVersion]}>
            {(c) => <input {...c} class="input" type="text" value={form.consentTextVersion} onInput={set('consentTextVersion')} />}
          </FormField>
        </fieldset>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {creating ? t('person.create') : t('registry.save')}
          </button>
          <Link href={peoplePath} class="button button--secondary">
            {t('dialog.cancel')}
          </Link>
        </div>
      </form>
      {!creating && session.hasRole('admin') && (
        <RolesSection
          person={person!}
          isSelf={session.me?.personId === person!.id}
          onChanged={(roles) => setLoad({ kind: 'ready', person: { ...person!, roles } })}
        />
      )}
    </>
  );
}

function RolesSection({ person, isSelf, onChanged }: { person: Person; isSelf: boolean; onChanged: (roles: string[]) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const change = async (role: string, grant: boolean) => {
    setBusy(role);
    setError(null);
    try {
      const result = grant ? await grantRole(person.id, role) : await revokeRole(person.id, role);
      onChanged(result.roles);
      toast.show(t(grant ? 'roles.granted' : 'roles.revoked', { role: roleLabel(t, role), name: person.name }), 'success');
    } catch (e) {
      const message = e instanceof CodedApiError && e.errors.role ? e.errors.role.join(' ') : describeError(e, t);
      setError(message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="panel roles-panel" aria-labelledby="roles-heading">
      <h2 id="roles-heading">{t('roles.heading')}</h2>
      <p>{t('roles.intro')}</p>
      {error && (
        <div class="notice notice--error" role="alert">
          <p>{error}</p>
        </div>
      )}
      <ul class="roles-list">
        {portalRoles.map((role) => {
          const has = person.roles.includes(role);
          const locked = isSelf && role === 'admin' && has;
          return (
            <li key={role} class="roles-list__item">
              <span class="roles-list__name">
                {roleLabel(t, role)}
                {': '}
                <strong>{has ? t('roles.has') : t('roles.hasNot')}</strong>
              </span>
              <button
                type="button"
                class={has ? 'button button--secondary' : 'button'}
                disabled={busy !== null || locked}
                onClick={() => change(role, !has)}
              >
                {has ? t('roles.revoke', { role: roleLabel(t, role) }) : t('roles.grant', { role: roleLabel(t, role) })}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
