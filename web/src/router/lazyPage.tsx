import { createContext, type ComponentType, type FunctionComponent } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';
import { PageHeading, pageHeadingId } from '../shell/PageHeading';

// Every page's code is its own chunk, fetched when the page is first shown (or, for the page a
// visit starts on, as the portal starts), so a visitor to one emailed link does not download
// the coordinators' pages.

/** The title of the page being shown (the shell gives it); a page still loading shows it as its heading. */
export const PageTitleContext = createContext<MessageKey>('app.name');

export interface LazyPage<P> extends FunctionComponent<P> {
  /** Starts fetching the page's code; the page renders at once if it has arrived. */
  preload: () => Promise<unknown>;
}

export function lazyPage<P extends object = object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let Loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const preload = () => {
    pending ??= load().then(
      (page) => (Loaded = page),
      (error: unknown) => {
        // The next visit to the page tries again.
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };

  const Page = (props: P) => {
    const [, setArrived] = useState(false);
    const [failed, setFailed] = useState(false);
    const headingHadFocus = useRef(false);
    // What the first render showed: the code may arrive between that render and the effect below,
    // and a placeholder already on screen must still be replaced.
    const shownAtOnce = Loaded !== undefined;

    useEffect(() => {
      if (shownAtOnce) return;
      let current = true;
      preload().then(
        () => {
          if (!current) return;
          // The shell moved focus to the loading heading after a navigation; the page's own heading takes it over.
          headingHadFocus.current = document.activeElement?.id === pageHeadingId;
          setArrived(true);
        },
        () => current && setFailed(true),
      );
      return () => {
        current = false;
      };
    }, []);

    useEffect(() => {
      if (Loaded && headingHadFocus.current) {
        headingHadFocus.current = false;
        document.getElementById(pageHeadingId)?.focus();
      }
    });

    return Loaded ? <Loaded {...props} /> : <PageLoading failed={failed} />;
  };
  Page.preload = preload;
  return Page;
}

function PageLoading({ failed }: { failed: boolean }) {
  const { t } = useI18n();
  const titleKey = useContext(PageTitleContext);
  // Busy until the page replaces it: assistive technology (and a test waiting for the page) knows
  // that more is coming.
  return (
    <div aria-busy={failed ? undefined : 'true'}>
      <PageHeading>{t(titleKey)}</PageHeading>
      {failed ? (
        <p class="notice notice--error" role="alert">
          {t('app.pageLoadFailed')}
        </p>
      ) : (
        <p role="status">{t('app.loadingPage')}</p>
      )}
    </div>
  );
}
