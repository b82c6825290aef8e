import type { Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { languages } from '../../i18n/catalogue';
import { Link } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { importPath, listPeople, newId, peopleCsvUrl, personPath, type Person } from './api';
import { roleLabel } from './labels';
import { RegistryList } from './RegistryList';

export const registryRoles = ['admin', 'coordinator'] as const;

export function PeopleListPage() {
  return (
    <RequireRole roles={registryRoles} titleKey="people.title">
      <PeopleList />
    </RequireRole>
  );
}

function PeopleList() {
  const { t } = useI18n();

  const columns: Column<Person>[] = [
    { key: 'name', header: t('person.name'), sortValue: (p) => p.name, cell: (p) => <Link href={personPath(p.id)}>{p.name}</Link> },
    { key: 'email', header: t('person.email'), sortValue: (p) => p.email, cell: (p) => <span dir="ltr">{p.email}</span> },
    { key: 'organisation', header: t('person.organisation'), sortValue: (p) => p.organisationId, cell: (p) => p.organisationId ?? '' },
    {
      key: 'language',
      header: t('person.language'),
      sortValue: (p) => p.preferredLanguage,
      cell: (p) => languages.find((l) => l.code === p.preferredLanguage)?.name ?? p.preferredLanguage,
    },
    { key: 'roles', header: t('person.roles'), cell: (p) => p.roles.map((r) => roleLabel(t, r)).join(', ') },
  ];

  return (
    <>
      <PageHeading>{t('people.title')}</PageHeading>
      <p class="lead">{t('people.intro')}</p>
      <div class="button-row registry-actions">
        <Link href={personPath(newId)} class="button">
          {t('people.new')}
        </Link>
        <Link href={importPath} class="button button--secondary">
          {t('nav.import')}
        </Link>
        <a class="button button--secondary" href={peopleCsvUrl} download>
          {t('people.exportAll')}
        </a>
      </div>
      <RegistryList
        name="people"
        searchLabel={t('people.searchLabel')}
        searchText={t('people.search')}
        sortOptions={[
          { value: 'name', label: t('person.name') },
          { value: 'email', label: t('person.email') },
          { value: 'organisationId', label: t('person.organisation') },
          { value: 'preferredLanguage', label: t('person.language') },
          { value: 'createdAt', label: t('registry.createdAt') },
        ]}
        caption={t('people.caption')}
        emptyText={t('people.empty')}
        columns={columns}
        load={listPeople}
      />
    </>
  );
}
