// A small fetch wrapper for the portal's own API: JSON in and out, the session cookie, the
// antiforgery header on state changes, and ProblemDetails turned into a typed ApiError.

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** A failed call. status 0 means the server could not be reached at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldErrors;

  constructor(status: number, title: string, detail?: string, errors: FieldErrors = {}) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
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

async function fetchAntiforgeryToken(): Promise<string | null> {
  const response = await fetch(antiforgeryUrl, {
    method: 'GET',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  if (response.status === 404) {
    return null;
  }
  if (!response.ok) {
    throw await toApiError(response);
  }
  const body: unknown = await readBody(response);
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
}

export async function request<T>(method: Method, url: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/problem+json, application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response: Response;
  try {
    if (unsafeMethods.has(method)) {
      const token = await antiforgery();
      if (token) {
        headers[antiforgeryHeader] = token;
      }
    }
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (isApiError(error) || (error instanceof DOMException && error.name === 'AbortError')) {
      throw error;
    }
    throw new ApiError(0, 'Network error', error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    throw await toApiError(response);
  }
  return (await readBody(response)) as T;
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

/** Reads an RFC 9457 ProblemDetails (or an ASP.NET ValidationProblem) from a failed response. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await readBody(response);
  } catch {
    body = undefined;
  }
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const title = typeof problem.title === 'string' && problem.title !== '' ? problem.title : response.statusText || `HTTP ${response.status}`;
  const detail = typeof problem.detail === 'string' ? problem.detail : typeof body === 'string' && body !== '' ? body : undefined;
  return new ApiError(response.status, title, detail, toFieldErrors(problem.errors));
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
