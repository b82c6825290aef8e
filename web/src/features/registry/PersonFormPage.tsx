import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, usePath } from '../../router/router';
import { portalRoles } from '../../session/api';
import { CodedApiError } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { useSession } from '../../session/SessionProvider';
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
import { RecordFormTop, RecordUnavailable, useRecordForm } from './useRecordForm';

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

function PersonForm({ id }: { id: string }) {
  const { t, language } = useI18n();
  const session = useSession();
  const record = useRecordForm({
    id,
    emptyForm,
    toForm,
    get: getPerson,
    create: createPerson,
    update: updatePerson,
    pathFor: personPath,
  });
  const { creating, load, form, setForm, fieldErrors, busy, fail } = record;
  const [organisations, setOrganisations] = useState<Organisation[]>([]);

  useEffect(() => {
    allOrganisations().then(setOrganisations, () => setOrganisations([]));
  }, [id]);

  const titleKey = creating ? 'person.newTitle' : 'person.editTitle';
  const back = { href: peoplePath, text: t('people.back') };
  if (load.kind !== 'ready') {
    return <RecordUnavailable title={t(titleKey)} load={load} notFound={t('person.notFound')} back={back} />;
  }

  const person = load.record;
  const set = (field: keyof FormState) => (event: Event) =>
    setForm({ ...form, [field]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });

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
    await record.save(toPersonRequest(form), ids, (saved) => t(creating ? 'person.created' : 'person.saved', { name: saved.name }));
  };

  return (
    <>
      <RecordFormTop
        back={back}
        heading={creating ? t('person.newTitle') : person!.name}
        audit={creating ? undefined : { recordType: 'person', recordId: id }}
        form={record}
      />
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
              <LanguageOptions />
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
          onChanged={(roles) => record.setRecord({ ...person!, roles })}
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
