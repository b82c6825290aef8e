import { render } from 'preact';
import { App } from './app';
import { applyLanguage, preferredLanguage, readStoredLanguage } from './i18n/catalogue';
import './styles.css';

const language = preferredLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]);
// Before the first render, so the page never flashes in the wrong direction.
applyLanguage(language);

render(<App language={language} />, document.getElementById('app')!);
