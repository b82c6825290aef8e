import { useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import type { ListQuery, PagedList } from './api';
import { SortControl } from './SortControl';
import { useList } from './useList';

const pageSize = 25;

interface RegistryListProps<T> {
  /** Prefixes the search and sort inputs' ids: `${name}-search`, `${name}-sort`. */
  name: string;
  searchLabel: string;
  searchText: string;
  sortOptions: readonly { value: string; label: string }[];
  caption: string;
  emptyText: string;
  columns: Column<T>[];
  load: (query: ListQuery, signal: AbortSignal) => Promise<PagedList<T>>;
}

/** A registry list searched, sorted and paged by the server, 25 to a page. */
export function RegistryList<T extends { id: string }>({ name, searchLabel, searchText, sortOptions, caption, emptyText, columns, load }: RegistryListProps<T>) {
  const { t, formatNumber } = useI18n();
  const [query, setQuery] = useState<ListQuery>({ page: 1, pageSize, sort: 'name', q: '' });
  const [search, setSearch] = useState('');
  const state = useList(query, load);

  const list = state.kind === 'loaded' ? state.list : null;
  const pages = list ? Math.max(1, Math.ceil(list.total / list.pageSize)) : 1;

  return (
    <>
      <form
        class="filters registry-search"
        role="search"
        aria-label={searchLabel}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...query, q: search, page: 1 });
        }}
      >
        <div class="form-field">
          <label class="form-field__label" for={`${name}-search`}>
            {searchText}
          </label>
          <input id={`${name}-search`} class="input" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="button-row">
          <button type="submit" class="button">
            {t('registry.searchButton')}
          </button>
        </div>
      </form>
      <SortControl id={`${name}-sort`} value={query.sort} options={sortOptions} onChange={(sort) => setQuery({ ...query, sort, page: 1 })} />
      {state.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{describeError(state.error, t)}</p>
        </div>
      )}
      <DataTable
        caption={
          <>
            {caption}{' '}
            {list && <span class="data-table__caption-count">{t('registry.total', { count: formatNumber(list.total), page: query.page, pages })}</span>}
          </>
        }
        columns={columns}
        rows={list?.items ?? []}
        rowKey={(row) => row.id}
        emptyText={state.kind === 'loading' ? t('registry.loading') : emptyText}
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
