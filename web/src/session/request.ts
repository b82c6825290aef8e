import { ApiError, antiforgeryHeader, antiforgeryUrl, type FieldErrors } from '../api/http';

// The portal's own calls for sign-in, registry, audit and newsletter. They need what the shared
// JSON wrapper does not give: a problem's "code" (token_used, rate_limited, import_has_errors),
// If-Match with an ETag, a raw CSV body, and Accept-Language so problem titles come back in the
// reader's language.

/** A failed call whose ProblemDetails carried a machine-readable code. */
export class CodedApiError extends ApiError {
  readonly code: string | undefined;

  constructor(status: number, title: string, detail: string | undefined, errors: FieldErrors, code: string | undefined) {
    super(status, title, detail, errors);
    this.name = 'CodedApiError';
    this.code = code;
  }
}

export function problemCode(error: unknown): string | undefined {
  return error instanceof CodedApiError ? error.code : undefined;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SendOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (a CSV file), with contentType. */
  body?: Blob | string;
  contentType?: string;
  ifMatch?: string;
  signal?: AbortSignal;
}

/** The reader's language as set on <html lang> by the i18n provider. */
function uiLanguage(): string {
  return document.documentElement.lang || 'en';
}

/** A fresh request token: it is tied to the session, so one is fetched for every state change. */
async function antiforgeryToken(): Promise<string | null> {
  const response = await fetch(antiforgeryUrl, { method: 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) {
    return null;
  }
  const body = (await readBody(response)) as { token?: unknown } | undefined;
  return typeof body?.token === 'string' ? body.token : null;
}

export async function send<T>(method: Method, url: string, options: SendOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/problem+json, application/json',
    'Accept-Language': uiLanguage(),
  };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'text/plain';
    body = options.body;
  }
  if (options.ifMatch) {
    headers['If-Match'] = options.ifMatch;
  }
  let response: Response;
  try {
    if (method !== 'GET') {
      const token = await antiforgeryToken();
      if (token) {
        headers[antiforgeryHeader] = token;
      }
    }
    response = await fetch(url, { method, credentials: 'same-origin', headers, body, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new CodedApiError(0, 'Network error', error instanceof Error ? error.message : String(error), {}, undefined);
  }
  const parsed = await readBody(response);
  if (!response.ok) {
    throw toCodedError(response, parsed);
  }
  return parsed as T;
}

async function readBody(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toCodedError(response: Response, body: unknown): CodedApiError {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const title = typeof problem.title === 'string' && problem.title !== '' ? problem.title : response.statusText || `HTTP ${response.status}`;
  const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
  const code = typeof problem.code === 'string' ? problem.code : undefined;
  const errors: Record<string, string[]> = {};
  if (typeof problem.errors === 'object' && problem.errors !== null && !Array.isArray(problem.errors)) {
    for (const [field, messages] of Object.entries(problem.errors as Record<string, unknown>)) {
      const list = Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : typeof messages === 'string' ? [messages] : [];
      if (list.length > 0) {
        errors[field] = list;
      }
    }
  }
  return new CodedApiError(response.status, title, detail, errors, code);
}
