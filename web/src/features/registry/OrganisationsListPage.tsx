import { useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { Link } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { listOrganisations, newId, organisationName, organisationPath, type ListQuery, type Organisation } from './api';
import { levelLabel } from './labels';
import { registryRoles } from './PeopleListPage';
import { SortControl } from './SortControl';
import { useList } from './useList';

const pageSize = 25;

export function OrganisationsListPage() {
  return (
    <RequireRole roles={registryRoles} titleKey="organisations.title">
      <OrganisationsList />
    </RequireRole>
  );
}

function OrganisationsList() {
  const { t, language, formatNumber } = useI18n();
  const [query, setQuery] = useState<ListQuery>({ page: 1, pageSize, sort: 'name', q: '' });
  const [search, setSearch] = useState('');
  const state = useList(query, listOrganisations);

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

  const list = state.kind === 'loaded' ? state.list : null;
  const pages = list ? Math.max(1, Math.ceil(list.total / list.pageSize)) : 1;

  return (
    <>
      <PageHeading>{t('organisations.title')}</PageHeading>
      <p class="lead">{t('organisations.intro')}</p>
      <div class="button-row registry-actions">
        <Link href={organisationPath(newId)} class="button">
          {t('organisations.new')}
        </Link>
      </div>
      <form
        class="filters registry-search"
        role="search"
        aria-label={t('organisations.searchLabel')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...query, q: search, page: 1 });
        }}
      >
        <div class="form-field">
          <label class="form-field__label" for="organisations-search">
            {t('organisations.search')}
          </label>
          <input id="organisations-search" class="input" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="button-row">
          <button type="submit" class="button">
            {t('registry.searchButton')}
          </button>
        </div>
      </form>
      <SortControl
        id="organisations-sort"
        value={query.sort}
        options={[
          { value: 'name', label: t('organisation.name') },
          { value: 'country', label: t('organisation.country') },
          { value: 'type', label: t('organisation.type') },
          { value: 'level', label: t('organisation.level') },
          { value: 'createdAt', label: t('registry.createdAt') },
        ]}
        onChange={(sort) => setQuery({ ...query, sort, page: 1 })}
      />
      {state.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{describeError(state.error, t)}</p>
        </div>
      )}
      <DataTable
        caption={
          <>
            {t('organisations.caption')}{' '}
            {list && <span class="data-table__caption-count">{t('registry.total', { count: formatNumber(list.total), page: query.page, pages })}</span>}
          </>
        }
        columns={columns}
        rows={list?.items ?? []}
        rowKey={(o) => o.id}
        emptyText={state.kind === 'loading' ? t('registry.loading') : t('organisations.empty')}
        busy={state.kind === 'loading'}
        serverPaging={{
          page: query.page,
          hasPrevious: query.page > 1,
          hasNext: query.page < pages,
          onPrevious: () => setQuery({ ...query, page: query.page - 1 }),
          onNext: () => setQuery({ ...query, page: query.page + 1 }),
        }}
      />
    </>
  );
}
