import type { Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { listOrganisations, newId, organisationName, organisationPath, type Organisation } from './api';
import { levelLabel } from './labels';
import { registryRoles } from './PeopleListPage';
import { RegistryList } from './RegistryList';

export function OrganisationsListPage() {
  return (
    <RequireRole roles={registryRoles} titleKey="organisations.title">
      <OrganisationsList />
    </RequireRole>
  );
}

function OrganisationsList() {
  const { t, language } = useI18n();

  const columns: Column<Organisation>[] = [
    {
      key: 'name',
      header: t('organisation.name'),
      sortValue: (o) => organisationName(o, language),
      cell: (o) => <Link href={organisationPath(o.id)}>{organisationName(o, language)}</Link>,
    },
    { key: 'type', header: t('organisation.type'), sortValue: (o) => o.type, cell: (o) => o.type },
    { key: 'country', header: t('organisation.country'), sortValue: (o) => o.country, cell: (o) => o.country },
    { key: 'level', header: t('organisation.level'), sortValue: (o) => o.level, cell: (o) => levelLabel(t, o.level) },
    { key: 'domains', header: t('organisation.domains'), cell: (o) => <span dir="ltr">{o.domains.join(', ')}</span> },
  ];

  return (
    <>
      <PageHeading>{t('organisations.title')}</PageHeading>
      <p class="lead">{t('organisations.intro')}</p>
      <div class="button-row registry-actions">
        <Link href={organisationPath(newId)} class="button">
          {t('organisations.new')}
        </Link>
      </div>
      <RegistryList
        name="organisations"
        searchLabel={t('organisations.searchLabel')}
        searchText={t('organisations.search')}
        sortOptions={[
          { value: 'name', label: t('organisation.name') },
          { value: 'country', label: t('organisation.country') },
          { value: 'type', label: t('organisation.type') },
          { value: 'level', label: t('organisation.level') },
          { value: 'createdAt', label: t('registry.createdAt') },
        ]}
        caption={t('organisations.caption')}
        emptyText={t('organisations.empty')}
        columns={columns}
        load={listOrganisations}
      />
    </>
  );
}
