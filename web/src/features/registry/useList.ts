import { useEffect, useRef, useState } from 'preact/hooks';
import type { ListQuery, PagedList } from './api';

export type ListState<T> = { kind: 'loading' } | { kind: 'loaded'; list: PagedList<T> } | { kind: 'failed'; error: unknown };

/** Loads a server-paged list whenever the query changes; a newer query cancels an older one. */
export function useList<T>(query: ListQuery, load: (query: ListQuery, signal: AbortSignal) => Promise<PagedList<T>>): ListState<T> {
  const [state, setState] = useState<ListState<T>>({ kind: 'loading' });
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    const abort = new AbortController();
    setState((previous) => (previous.kind === 'loaded' ? previous : { kind: 'loading' }));
    loader.current(query, abort.signal).then(
      (list) => {
        if (!abort.signal.aborted) setState({ kind: 'loaded', list });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ kind: 'failed', error });
      },
    );
    return () => abort.abort();
  }, [query.page, query.pageSize, query.sort, query.q]);
  return state;
}
