import { antiforgeryHeader, antiforgeryUrl, type FieldErrors } from '../api/http';
import { CodedApiError } from './request';

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A call made with the token of a personal emailed link in `header` (and, for changes, the
 * antiforgery token), for pages opened from an email without signing in; problems become
 * CodedApiError with their field errors and code.
 */
export async function sendWithPersonalToken<T>(header: string, method: 'GET' | 'POST' | 'PUT', url: string, token: string, json?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/problem+json, application/json',
    'Accept-Language': document.documentElement.lang || 'en',
    [header]: token,
  };
  let response: Response;
  try {
    if (method !== 'GET') {
      const af = await fetch(antiforgeryUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const body = (await readBody(af)) as { token?: unknown } | undefined;
      if (typeof body?.token === 'string') headers[antiforgeryHeader] = body.token;
    }
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    response = await fetch(url, { method, credentials: 'same-origin', headers, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch (error) {
    throw new CodedApiError(0, 'Network error', error instanceof Error ? error.message : String(error), {}, undefined);
  }
  const parsed = await readBody(response);
  if (!response.ok) {
    const problem = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const errors: Record<string, string[]> = {};
    if (typeof problem.errors === 'object' && problem.errors !== null) {
      for (const [key, value] of Object.entries(problem.errors as Record<string, unknown>)) {
        if (Array.isArray(value)) errors[key] = value.filter((v): v is string => typeof v === 'string');
      }
    }
    throw new CodedApiError(
      response.status,
      typeof problem.title === 'string' ? problem.title : `HTTP ${response.status}`,
      typeof problem.detail === 'string' ? problem.detail : undefined,
      errors as FieldErrors,
      typeof problem.code === 'string' ? problem.code : undefined,
    );
  }
  return parsed as T;
}
