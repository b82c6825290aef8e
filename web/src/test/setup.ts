import { cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';
import { languages, loadCatalogue } from '../i18n/catalogue';

// The portal fetches a language's catalogue when it is first needed; tests have them all at hand,
// so a component renders its words at once, as it does in the browser once its catalogue is there.
await Promise.all(languages.map((l) => loadCatalogue(l.code)));

afterEach(() => {
  cleanup();
  localStorage.clear();
  document.documentElement.removeAttribute('lang');
  document.documentElement.removeAttribute('dir');
  window.history.replaceState(null, '', '/');
});
