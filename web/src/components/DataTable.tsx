import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';
import { downloadText, toCsv, type CsvValue } from './csv';

export type SortValue = string | number | Date | null | undefined;

export interface Column<T> {
  key: string;
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Makes the column sortable by this value. */
  sortValue?: (row: T) => SortValue;
  /** The value in the CSV export; by default the sort value. */
  csvValue?: (row: T) => CsvValue;
  /** The row header column (th scope="row"); the first column unless another is marked. */
  rowHeader?: boolean;
}

/** Paging done by the server: the table only shows the buttons and says where the reader is. */
export interface ServerPaging {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

interface DataTableProps<T> {
  caption: ComponentChildren;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  emptyText: string;
  /** Client-side paging: this many rows a page. Ignored when serverPaging is given. */
  pageSize?: number;
  serverPaging?: ServerPaging;
  /** Shows an "Export CSV" button that saves the visible rows under this file name. */
  exportFileName?: string;
  busy?: boolean;
  id?: string;
}

type SortState = { key: string; direction: 'ascending' | 'descending' } | null;

export function compareSortValues(a: SortValue, b: SortValue, language: string): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), language, { numeric: true, sensitivity: 'base' });
}

/**
 * A captioned table with column headers, sort buttons in the headers (state in aria-sort),
 * previous/next paging with a page status, an empty state and a CSV export of what is shown.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  emptyText,
  pageSize,
  serverPaging,
  exportFileName,
  busy,
  id,
}: DataTableProps<T>) {
  const { t, language } = useI18n();
  const [sort, setSort] = useState<SortState>(null);
  const [clientPage, setClientPage] = useState(1);

  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!sort || !column?.sortValue) {
      return rows;
    }
    const value = column.sortValue;
    const factor = sort.direction === 'ascending' ? 1 : -1;
    // Nulls stay last in either direction.
    return [...rows].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || va === undefined || vb === null || vb === undefined) {
        return compareSortValues(va, vb, language);
      }
      return factor * compareSortValues(va, vb, language);
    });
  }, [rows, columns, sort, language]);

  const clientPaged = !serverPaging && pageSize !== undefined && pageSize > 0;
  const pageCount = clientPaged ? Math.max(1, Math.ceil(sorted.length / pageSize)) : 1;
  const page = Math.min(clientPage, pageCount);
  const visible = clientPaged ? sorted.slice((page - 1) * pageSize, page * pageSize) : sorted;

  const paging: ServerPaging | null = serverPaging
    ? serverPaging
    : clientPaged && pageCount > 1
      ? {
          page,
          hasPrevious: page > 1,
          hasNext: page < pageCount,
          onPrevious: () => setClientPage(page - 1),
          onNext: () => setClientPage(page + 1),
        }
      : null;

  const rowHeaderKey = columns.find((c) => c.rowHeader)?.key ?? columns[0]?.key;

  const toggleSort = (key: string) => {
    setSort((current) =>
      current?.key === key && current.direction === 'ascending' ? { key, direction: 'descending' } : { key, direction: 'ascending' },
    );
    setClientPage(1);
  };

  const exportCsv = () => {
    const header = columns.map((c) => c.header);
    const data = visible.map((row) =>
      columns.map((c) => (c.csvValue ? c.csvValue(row) : c.sortValue ? c.sortValue(row) : textOf(c.cell(row)))),
    );
    downloadText(exportFileName!, toCsv(header, data));
  };

  const pageStatus = serverPaging
    ? t('table.pageStatusOpen', { page: serverPaging.page })
    : t('table.pageStatus', { page, pages: pageCount });

  return (
    <div class="data-table" id={id}>
      <div class="data-table__scroll">
        <table aria-busy={busy ? 'true' : undefined}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const state = sort?.key === column.key ? sort.direction : 'none';
                return (
                  <th key={column.key} scope="col" aria-sort={column.sortValue ? state : undefined}>
                    {column.sortValue ? (
                      <button type="button" class="data-table__sort" onClick={() => toggleSort(column.key)}>
                        {column.header}
                        <span class="data-table__sort-icon" aria-hidden="true">
                          {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.length === 0 ? (
              <tr>
                <td colSpan={columns.length} class="data-table__empty">
                  {emptyText}
                </td>
              </tr>
            ) : (
              visible.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((column) =>
                    column.key === rowHeaderKey ? (
                      <th key={column.key} scope="row">
                        {column.cell(row)}
                      </th>
                    ) : (
                      <td key={column.key}>{column.cell(row)}</td>
                    ),
                  )}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <div class="data-table__footer">
        {paging && (
          <nav class="data-table__paging" aria-label={t('table.pagination')}>
            <PageButton label={t('table.previous')} enabled={paging.hasPrevious} onClick={paging.onPrevious} />
            <span class="data-table__page-status" role="status">
              {pageStatus}
            </span>
            <PageButton label={t('table.next')} enabled={paging.hasNext} onClick={paging.onNext} />
          </nav>
        )}
        {exportFileName && (
          <button type="button" class="button button--secondary" onClick={exportCsv} disabled={visible.length === 0}>
            {t('table.export')}
          </button>
        )}
      </div>
    </div>
  );
}

/** aria-disabled rather than disabled, so the button keeps focus on the first or last page. */
function PageButton({ label, enabled, onClick }: { label: string; enabled: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      class="button button--secondary"
      aria-disabled={enabled ? undefined : 'true'}
      onClick={() => {
        if (enabled) onClick();
      }}
    >
      {label}
    </button>
  );
}

function textOf(node: ComponentChildren): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (typeof node === 'object' && 'props' in node) {
    return textOf((node.props as { children?: ComponentChildren }).children);
  }
  return '';
}
