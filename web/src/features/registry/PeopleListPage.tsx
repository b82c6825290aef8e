import { useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { languages } from '../../i18n/catalogue';
import { Link } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { importPath, listPeople, newId, peopleCsvUrl, personPath, type ListQuery, type Person } from './api';
import { roleLabel } from './labels';
import { SortControl } from './SortControl';
import { useList } from './useList';

export const registryRoles = ['admin', 'coordinator'] as const;
const pageSize = 25;

export function PeopleListPage() {
  return (
    <RequireRole roles={registryRoles} titleKey="people.title">
      <PeopleList />
    </RequireRole>
  );
}

function PeopleList() {
  const { t, formatNumber } = useI18n();
  const [query, setQuery] = useState<ListQuery>({ page: 1, pageSize, sort: 'name', q: '' });
  const [search, setSearch] = useState('');
  const state = useList(query, listPeople);

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

  const list = state.kind === 'loaded' ? state.list : null;
  const pages = list ? Math.max(1, Math.ceil(list.total / list.pageSize)) : 1;

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
      <form
        class="filters registry-search"
        role="search"
        aria-label={t('people.searchLabel')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...query, q: search, page: 1 });
        }}
      >
        <div class="form-field">
          <label class="form-field__label" for="people-search">
            {t('people.search')}
          </label>
          <input id="people-search" class="input" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="button-row">
          <button type="submit" class="button">
            {t('registry.searchButton')}
          </button>
        </div>
      </form>
      <SortControl
        id="people-sort"
        value={query.sort}
        options={[
          { value: 'name', label: t('person.name') },
          { value: 'email', label: t('person.email') },
          { value: 'organisationId', label: t('person.organisation') },
          { value: 'preferredLanguage', label: t('person.language') },
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
            {t('people.caption')}{' '}
            {list && <span class="data-table__caption-count">{t('registry.total', { count: formatNumber(list.total), page: query.page, pages })}</span>}
          </>
        }
        columns={columns}
        rows={list?.items ?? []}
        rowKey={(p) => p.id}
        emptyText={state.kind === 'loading' ? t('registry.loading') : t('people.empty')}
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
