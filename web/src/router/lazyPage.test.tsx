import { screen, waitFor } from '@testing-library/preact';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../components/testing';
import { I18nProvider } from '../i18n/I18nProvider';
import { PageHeading } from '../shell/PageHeading';
import { lazyPage, PageTitleContext } from './lazyPage';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const Loaded = ({ name }: { name: string }) => <PageHeading>{`Hello ${name}`}</PageHeading>;

describe('lazyPage', () => {
  it('shows the page’s title and a translated loading status until its code arrives, then the page with its props', async () => {
    const code = deferred<typeof Loaded>();
    const Page = lazyPage(() => code.promise);
    renderWithProviders(
      <PageTitleContext.Provider value="ws.invite.title">
        <Page name="Ada" />
      </PageTitleContext.Provider>,
      'ar',
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('دعوتك');
    expect(screen.getByRole('status').textContent).toBe('جارٍ تحميل الصفحة…');
    expect(screen.getByRole('status').closest('[aria-busy="true"]')).not.toBeNull();

    // The shell had moved focus to the heading after a navigation: the page's own heading keeps it.
    screen.getByRole('heading', { level: 1 }).focus();
    code.resolve(Loaded);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Hello Ada' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('fetches the code once, however often the page is shown, and at once when preloaded', async () => {
    let fetches = 0;
    const Page = lazyPage(async () => {
      fetches++;
      return Loaded;
    });
    await Page.preload();
    renderWithProviders(<Page name="Grace" />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Hello Grace');
    await Page.preload();
    expect(fetches).toBe(1);
  });

  it('replaces its placeholder when the code arrives between the first render and its effect', async () => {
    // As the portal starts: main.tsx asks for the page's code, and it arrives just after the
    // placeholder is drawn but before the placeholder's effect runs.
    const Page = lazyPage(() => Promise.resolve(Loaded));
    void Page.preload();
    const container = document.createElement('div');
    document.body.append(container);
    render(
      <I18nProvider initialLanguage="en">
        <Page name="Ines" />
      </I18nProvider>,
      container,
    );
    expect(container.querySelector('[role=status]')?.textContent).toBe('Loading the page…');
    await waitFor(() => expect(container.querySelector('h1')?.textContent).toBe('Hello Ines'));
    render(null, container);
    container.remove();
  });

  it('says so when the code cannot be fetched, and tries again on the next visit', async () => {
    let attempt = 0;
    const Page = lazyPage(async () => {
      attempt++;
      if (attempt === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return Loaded;
    });
    const first = renderWithProviders(<Page name="Lin" />);
    expect((await screen.findByRole('alert')).textContent).toBe('The page could not be loaded. Check your connection and reload the page.');
    first.unmount();
    renderWithProviders(<Page name="Lin" />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Hello Lin' })).toBeTruthy();
  });
});
