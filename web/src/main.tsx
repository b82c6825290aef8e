import { render } from 'preact';
import { App, preloadPage } from './app';
import { applyLanguage, loadCatalogue, preferredLanguage, readStoredLanguage } from './i18n/catalogue';
import { currentPath } from './router/router';
import './styles.css';

const language = preferredLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]);
// Before the first render, so the page never flashes in the wrong direction.
applyLanguage(language);
// The reader's catalogue and the page's code are fetched side by side; the app renders once the
// catalogue is there (I18nProvider waits for it).
loadCatalogue(language).catch(() => undefined);
// A page whose code cannot be fetched says so when it renders.
preloadPage(currentPath()).catch(() => undefined);

render(<App language={language} />, document.getElementById('app')!);
