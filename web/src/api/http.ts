// A small fetch wrapper for the portal's own API: JSON in and out, the session cookie, the
// antiforgery header on state changes, and ProblemDetails turned into a typed ApiError. Options
// add what some calls need: Accept-Language, If-Match, a raw (CSV) body, a fresh antiforgery token.

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** A failed call. status 0 means the server could not be reached at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldErrors;
  /** The ProblemDetails "code" (token_used, rate_limited, import_has_errors), when the server gave one. */
  readonly code: string | undefined;

  constructor(status: number, title: string, detail?: string, errors: FieldErrors = {}, code?: string) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.code = code;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export const antiforgeryUrl = '/api/auth/antiforgery';
export const antiforgeryHeader = 'X-XSRF-TOKEN';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const unsafeMethods: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// undefined: not asked yet; null: the server has no antiforgery endpoint (or gave no token).
let antiforgeryToken: Promise<string | null> | undefined;

/** Forgets the cached token (after sign-in or sign-out the server issues a new one). */
export function resetAntiforgeryToken(): void {
  antiforgeryToken = undefined;
}

/** A fresh token asks once for this call alone and, when the server will not give one, sends none. */
async function fetchAntiforgeryToken(fresh = false): Promise<string | null> {
  const response = await fetch(antiforgeryUrl, {
    method: 'GET',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  if (response.status === 404 || (fresh && !response.ok)) {
    return null;
  }
  if (!response.ok) {
    throw await toApiError(response);
  }
  const body: unknown = fresh ? await readBodyOrUndefined(response) : await readBody(response);
  const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined;
  return typeof token === 'string' && token !== '' ? token : null;
}

function antiforgery(): Promise<string | null> {
  if (!antiforgeryToken) {
    const pending = fetchAntiforgeryToken();
    antiforgeryToken = pending;
    // A failure is not cached: the next state change asks again.
    pending.catch(() => {
      if (antiforgeryToken === pending) {
        antiforgeryToken = undefined;
      }
    });
  }
  return antiforgeryToken;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Sends Accept-Language with the UI language (as set on <html lang>), so problem titles come back in it. */
  sendLanguage?: boolean;
  /** Sends If-Match with the record's ETag; the server answers 412 when someone else changed it. */
  ifMatch?: string;
  /** A body sent as it is (a CSV file) when there is no JSON body, as contentType (text/plain if not given). */
  raw?: Blob | string;
  contentType?: string;
  /** Fetches an antiforgery token for this call alone rather than the cached one; none is sent if it cannot be had. */
  freshAntiforgery?: boolean;
  /** A success body that cannot be read comes back as undefined rather than as the read's error. */
  tolerateUnreadableBody?: boolean;
  /** Makes the error for a failed call (by default an ApiError, a text body being its detail). */
  toError?: (problem: Problem) => ApiError;
}

/** The reader's language as set on <html lang> by the i18n provider. */
function uiLanguage(): string {
  return document.documentElement.lang || 'en';
}

export async function request<T>(method: Method, url: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const toError = options.toError ?? defaultError;
  const headers: Record<string, string> = { Accept: 'application/problem+json, application/json' };
  if (options.sendLanguage) {
    headers['Accept-Language'] = uiLanguage();
  }
  let content: BodyInit | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    content = JSON.stringify(body);
  } else if (options.raw !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'text/plain';
    content = options.raw;
  }
  if (options.ifMatch) {
    headers['If-Match'] = options.ifMatch;
  }
  let response: Response;
  try {
    if (unsafeMethods.has(method)) {
      const token = await (options.freshAntiforgery ? fetchAntiforgeryToken(true) : antiforgery());
      if (token) {
        headers[antiforgeryHeader] = token;
      }
    }
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers,
      body: content,
      signal: options.signal,
    });
  } catch (error) {
    if (isApiError(error) || (error instanceof DOMException && error.name === 'AbortError')) {
      throw error;
    }
    throw toError({ status: 0, title: 'Network error', detail: error instanceof Error ? error.message : String(error), text: undefined, errors: {}, code: undefined });
  }
  if (!response.ok) {
    throw toError(await readProblem(response));
  }
  return (await (options.tolerateUnreadableBody ? readBodyOrUndefined(response) : readBody(response))) as T;
}

export const http = {
  get: <T>(url: string, options?: RequestOptions) => request<T>('GET', url, undefined, options),
  post: <T>(url: string, body?: unknown, options?: RequestOptions) => request<T>('POST', url, body, options),
  put: <T>(url: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', url, body, options),
  patch: <T>(url: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', url, body, options),
  delete: <T>(url: string, options?: RequestOptions) => request<T>('DELETE', url, undefined, options),
};

/** The body as JSON; an empty body (202, 204) is undefined; text that is not JSON is kept as text. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readBodyOrUndefined(response: Response): Promise<unknown> {
  return readBody(response).catch(() => undefined);
}

/** A failed call as its RFC 9457 ProblemDetails (or ASP.NET ValidationProblem) body tells it. */
export interface Problem {
  status: number;
  title: string;
  /** The problem's own detail. */
  detail: string | undefined;
  /** The body, when it was text rather than JSON. */
  text: string | undefined;
  errors: FieldErrors;
  code: string | undefined;
}

async function readProblem(response: Response): Promise<Problem> {
  const body = await readBodyOrUndefined(response);
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    status: response.status,
    title: typeof problem.title === 'string' && problem.title !== '' ? problem.title : response.statusText || `HTTP ${response.status}`,
    detail: typeof problem.detail === 'string' ? problem.detail : undefined,
    text: typeof body === 'string' && body !== '' ? body : undefined,
    errors: toFieldErrors(problem.errors),
    code: typeof problem.code === 'string' ? problem.code : undefined,
  };
}

function defaultError(problem: Problem): ApiError {
  return new ApiError(problem.status, problem.title, problem.detail ?? problem.text, problem.errors, problem.code);
}

/** Reads an RFC 9457 ProblemDetails (or an ASP.NET ValidationProblem) from a failed response. */
export async function toApiError(response: Response): Promise<ApiError> {
  return defaultError(await readProblem(response));
}

function toFieldErrors(value: unknown): FieldErrors {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  const errors: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    const list = Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : typeof messages === 'string' ? [messages] : [];
    if (list.length > 0) {
      errors[field] = list;
    }
  }
  return errors;
}
