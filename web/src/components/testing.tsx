import { render } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { I18nProvider } from '../i18n/I18nProvider';
import type { Language } from '../i18n/catalogue';
import { ToastProvider } from './Toasts';

/** Renders inside the providers every component expects (tests only). */
export function renderWithProviders(ui: ComponentChildren, language: Language = 'en') {
  return render(
    <I18nProvider initialLanguage={language}>
      <ToastProvider>{ui}</ToastProvider>
    </I18nProvider>,
  );
}

export function jsonResponse(status: number, body?: unknown, contentType = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
  });
}
