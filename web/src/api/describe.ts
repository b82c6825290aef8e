import type { I18n } from '../i18n/I18nProvider';
import { isApiError } from './http';

/** One sentence for a failed call, in the reader's language where the portal knows the case. */
export function describeError(error: unknown, t: I18n['t']): string {
  if (isApiError(error)) {
    if (error.status === 0) {
      return t('api.networkError');
    }
    if (error.status === 401) {
      return t('api.unauthorised');
    }
    if (error.status === 403) {
      return error.detail ? `${t('api.forbidden')} ${error.detail}` : t('api.forbidden');
    }
    const text = error.detail && error.detail !== error.title ? `${error.title}: ${error.detail}` : error.title;
    return t('api.failed', { status: String(error.status), message: text });
  }
  return t('api.unexpected', { message: error instanceof Error ? error.message : String(error) });
}
