/** The backend's `GET /api/health` answer (200 when healthy, 503 when not, same body). */
export interface HealthReport {
  status: string;
  checks: HealthCheck[];
}

export interface HealthCheck {
  name: string;
  status: string;
  description: string | null;
}

export const healthUrl = '/api/health';

/**
 * Reads the report. Both shapes the backend may answer with are accepted: the plain
 * `{ status, checks }`, and a 503 ProblemDetails whose numeric `status` is the HTTP code, with the
 * overall state in a `health` extension and the same `checks` list.
 */
export async function fetchHealth(signal?: AbortSignal, fetchImpl: typeof fetch = globalThis.fetch): Promise<HealthReport> {
  const response = await fetchImpl(healthUrl, { headers: { Accept: 'application/json' }, signal });
  // 503 is the backend saying "unhealthy" with a full report, not a failure to answer.
  if (response.status !== 200 && response.status !== 503) {
    throw new Error(`GET ${healthUrl} answered ${response.status}`);
  }
  const report = toHealthReport(await response.json(), response.status === 503);
  if (!report) {
    throw new Error(`GET ${healthUrl} answered an unexpected body`);
  }
  return report;
}

export function toHealthReport(body: unknown, unavailable: boolean): HealthReport | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const { status, health, checks } = body as Record<string, unknown>;
  if (!Array.isArray(checks) || !checks.every(isHealthCheck)) {
    return null;
  }
  const overall =
    typeof status === 'string'
      ? status
      : typeof health === 'string'
        ? health
        : unavailable || checks.some((c) => c.status !== 'Healthy')
          ? 'Unhealthy'
          : 'Healthy';
  return {
    status: overall,
    checks: checks.map((c) => ({ name: c.name, status: c.status, description: c.description ?? null })),
  };
}

function isHealthCheck(value: unknown): value is { name: string; status: string; description?: string | null } {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { name, status, description } = value as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    typeof status === 'string' &&
    (description === null || description === undefined || typeof description === 'string')
  );
}
