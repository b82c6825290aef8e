import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { useI18n } from '../../i18n/I18nProvider';
import { languages } from '../../i18n/catalogue';
import { Link, usePath } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import {
  createOrganisation,
  getOrganisation,
  idFromPath,
  newId,
  organisationName,
  organisationPath,
  organisationsPath,
  updateOrganisation,
  type Organisation,
  type OrganisationRequest,
} from './api';
import { levelLabel } from './labels';
import { registryRoles } from './PeopleListPage';
import { RecordFormTop, RecordUnavailable, useRecordForm } from './useRecordForm';

export const levels = ['national', 'regional', 'local'] as const;

export function OrganisationFormPage() {
  const path = usePath();
  const id = idFromPath(path, organisationsPath);
  return (
    <RequireRole roles={registryRoles} titleKey={id === newId ? 'organisation.newTitle' : 'organisation.editTitle'}>
      <OrganisationForm key={id} id={id} />
    </RequireRole>
  );
}

interface NameRow {
  key: number;
  language: string;
  name: string;
}

interface DomainRow {
  key: number;
  domain: string;
}

interface FormState {
  id: string;
  names: NameRow[];
  type: string;
  country: string;
  level: string;
  domains: DomainRow[];
}

let nextKey = 1;
const key = () => nextKey++;

const emptyForm = (): FormState => ({
  id: '',
  names: [{ key: key(), language: 'en', name: '' }],
  type: '',
  country: '',
  level: 'national',
  domains: [{ key: key(), domain: '' }],
});

function toForm(o: Organisation): FormState {
  const names = Object.entries(o.names).map(([language, name]) => ({ key: key(), language, name }));
  const domains = o.domains.map((domain) => ({ key: key(), domain }));
  return {
    id: o.id,
    names: names.length > 0 ? names : [{ key: key(), language: 'en', name: '' }],
    type: o.type,
    country: o.country,
    level: o.level,
    domains: domains.length > 0 ? domains : [{ key: key(), domain: '' }],
  };
}

export function toOrganisationRequest(form: FormState, creating: boolean): OrganisationRequest {
  const names: Record<string, string> = {};
  for (const row of form.names) {
    if (row.name.trim() !== '') names[row.language] = row.name.trim();
  }
  const request: OrganisationRequest = {
    names,
    type: form.type.trim(),
    country: form.country.trim().toUpperCase(),
    level: form.level,
    domains: form.domains.map((d) => d.domain.trim().toLowerCase()).filter((d) => d !== ''),
  };
  if (creating && form.id.trim() !== '') request.id = form.id.trim();
  return request;
}

const nameId = (k: number) => `organisation-name-${k}`;
const nameLanguageId = (k: number) => `organisation-name-language-${k}`;
const domainId = (k: number) => `organisation-domain-${k}`;

function OrganisationForm({ id }: { id: string }) {
  const { t, language } = useI18n();
  const record = useRecordForm({
    id,
    emptyForm,
    toForm,
    get: getOrganisation,
    create: createOrganisation,
    update: updateOrganisation,
    pathFor: organisationPath,
  });
  const { creating, load, form, setForm, fieldErrors, busy, fail } = record;

  const titleKey = creating ? 'organisation.newTitle' : 'organisation.editTitle';
  const back = { href: organisationsPath, text: t('organisations.back') };
  if (load.kind !== 'ready') {
    return <RecordUnavailable title={t(titleKey)} load={load} notFound={t('organisation.notFound')} back={back} />;
  }
  const organisation = load.record;

  const fields = {
    id: 'organisation-id',
    names: nameId(form.names[0]?.key ?? 0),
    type: 'organisation-type',
    country: 'organisation-country',
    level: 'organisation-level',
    domains: domainId(form.domains[0]?.key ?? 0),
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const request = toOrganisationRequest(form, creating);
    if (Object.keys(request.names).length === 0) {
      const message = t('organisation.nameRequired');
      fail([{ fieldId: fields.names, message }], { [fields.names]: message });
      return;
    }
    await record.save(request, fields, (saved) =>
      t(creating ? 'organisation.created' : 'organisation.saved', { name: organisationName(saved, language) }),
    );
  };

  const setName = (k: number, change: Partial<NameRow>) =>
    setForm({ ...form, names: form.names.map((row) => (row.key === k ? { ...row, ...change } : row)) });
  const setDomain = (k: number, domain: string) =>
    setForm({ ...form, domains: form.domains.map((row) => (row.key === k ? { ...row, domain } : row)) });
  const focusLater = (elementId: string) => setTimeout(() => document.getElementById(elementId)?.focus(), 0);

  return (
    <>
      <RecordFormTop
        back={back}
        heading={creating ? t('organisation.newTitle') : organisationName(organisation!, language)}
        audit={creating ? undefined : { recordType: 'organisation', recordId: id }}
        form={record}
      />
      <form onSubmit={submit} noValidate>
        {creating && (
          <FormField id={fields.id} label={t('organisation.id')} hint={t('organisation.idHint')} optional error={fieldErrors[fields.id]}>
            {(c) => <input {...c} class="input" type="text" dir="ltr" spellcheck={false} value={form.id} onInput={(e) => setForm({ ...form, id: e.currentTarget.value })} />}
          </FormField>
        )}
        <fieldset class="form-group">
          <legend>{t('organisation.names')}</legend>
          <p class="form-field__hint">{t('organisation.namesHint')}</p>
          {form.names.map((row, index) => (
            <div class="repeated-row" key={row.key}>
              <FormField id={nameLanguageId(row.key)} label={t('organisation.nameLanguage', { n: index + 1 })}>
                {(c) => (
                  <select {...c} class="input" value={row.language} onChange={(e) => setName(row.key, { language: e.currentTarget.value })}>
                    <LanguageOptions />
                  </select>
                )}
              </FormField>
              <FormField id={nameId(row.key)} label={t('organisation.nameIn', { n: index + 1 })} error={fieldErrors[nameId(row.key)]}>
                {(c) => (
                  <input
                    {...c}
                    class="input"
                    type="text"
                    lang={row.language}
                    dir="auto"
                    value={row.name}
                    onInput={(e) => setName(row.key, { name: e.currentTarget.value })}
                  />
                )}
              </FormField>
              {form.names.length > 1 && (
                <button
                  type="button"
                  class="button button--secondary repeated-row__remove"
                  onClick={() => {
                    setForm({ ...form, names: form.names.filter((r) => r.key !== row.key) });
                    focusLater('organisation-add-name');
                  }}
                >
                  {t('organisation.removeName', { n: index + 1 })}
                </button>
              )}
            </div>
          ))}
          <button
            type="button"
            id="organisation-add-name"
            class="button button--secondary"
            onClick={() => {
              const used = new Set(form.names.map((n) => n.language));
              const next = languages.find((l) => !used.has(l.code))?.code ?? 'en';
              const row = { key: key(), language: next, name: '' };
              setForm({ ...form, names: [...form.names, row] });
              focusLater(nameLanguageId(row.key));
            }}
          >
            {t('organisation.addName')}
          </button>
        </fieldset>
        <FormField id={fields.type} label={t('organisation.type')} hint={t('organisation.typeHint')} error={fieldErrors[fields.type]}>
          {(c) => <input {...c} class="input" type="text" value={form.type} onInput={(e) => setForm({ ...form, type: e.currentTarget.value })} />}
        </FormField>
        <FormField id={fields.country} label={t('organisation.country')} hint={t('organisation.countryHint')} error={fieldErrors[fields.country]}>
          {(c) => (
            <input
              {...c}
              class="input input--short"
              type="text"
              dir="ltr"
              maxLength={2}
              autoComplete="off"
              value={form.country}
              onInput={(e) => setForm({ ...form, country: e.currentTarget.value })}
            />
          )}
        </FormField>
        <FormField id={fields.level} label={t('organisation.level')} error={fieldErrors[fields.level]}>
          {(c) => (
            <select {...c} class="input" value={form.level} onChange={(e) => setForm({ ...form, level: e.currentTarget.value })}>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {levelLabel(t, l)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <fieldset class="form-group">
          <legend>{t('organisation.domains')}</legend>
          <p class="form-field__hint">{t('organisation.domainsHint')}</p>
          {form.domains.map((row, index) => (
            <div class="repeated-row" key={row.key}>
              <FormField
                id={domainId(row.key)}
                label={t('organisation.domainN', { n: index + 1 })}
                optional
                error={fieldErrors[domainId(row.key)]}
              >
                {(c) => (
                  <input
                    {...c}
                    class="input"
                    type="text"
                    dir="ltr"
                    spellcheck={false}
                    value={row.domain}
                    onInput={(e) => setDomain(row.key, e.currentTarget.value)}
                  />
                )}
              </FormField>
              {form.domains.length > 1 && (
                <button
                  type="button"
                  class="button button--secondary repeated-row__remove"
                  onClick={() => {
                    setForm({ ...form, domains: form.domains.filter((r) => r.key !== row.key) });
                    focusLater('organisation-add-domain');
                  }}
                >
                  {t('organisation.removeDomain', { n: index + 1 })}
                </button>
              )}
            </div>
          ))}
          <button
            type="button"
            id="organisation-add-domain"
            class="button button--secondary"
            onClick={() => {
              const row = { key: key(), domain: '' };
              setForm({ ...form, domains: [...form.domains, row] });
              focusLater(domainId(row.key));
            }}
          >
            {t('organisation.addDomain')}
          </button>
        </fieldset>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {creating ? t('organisation.create') : t('registry.save')}
          </button>
          <Link href={organisationsPath} class="button button--secondary">
            {t('dialog.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
