import { ApiError, request, type FieldErrors, type Problem } from '../api/http';

// The portal's own calls for sign-in, registry, audit and newsletter, over the shared wrapper with
// what they need from it: a problem's "code" (token_used, rate_limited, import_has_errors), If-Match
// with an ETag, a raw CSV body, Accept-Language so problem titles come back in the reader's
// language, and an antiforgery token fetched afresh for every state change (it is tied to the session).

/** A failed call whose ProblemDetails carried a machine-readable code. */
export class CodedApiError extends ApiError {
  constructor(status: number, title: string, detail: string | undefined, errors: FieldErrors, code: string | undefined) {
    super(status, title, detail, errors, code);
    this.name = 'CodedApiError';
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

/** Only the problem's own detail: a text body is not taken for one. */
const toCodedError = (p: Problem) => new CodedApiError(p.status, p.title, p.detail, p.errors, p.code);

export function send<T>(method: Method, url: string, options: SendOptions = {}): Promise<T> {
  return request<T>(method, url, options.json, {
    signal: options.signal,
    sendLanguage: true,
    ifMatch: options.ifMatch,
    raw: options.body,
    contentType: options.contentType,
    freshAntiforgery: true,
    tolerateUnreadableBody: true,
    toError: toCodedError,
  });
}
