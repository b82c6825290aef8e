import { describe, expect, it, vi } from 'vitest';
import { fetchHealth, toHealthReport } from './health';

const checks = [
  { name: 'tables', status: 'Healthy', description: null },
  { name: 'queues', status: 'Unhealthy', description: 'Connection refused' },
];

describe('toHealthReport', () => {
  it('reads the plain report', () => {
    expect(toHealthReport({ status: 'Healthy', checks: [checks[0]] }, false)).toEqual({ status: 'Healthy', checks: [checks[0]] });
  });

  it('reads a ProblemDetails 503 with the state in an extension', () => {
    const problem = { title: 'Storage is unreachable: queues', status: 503, health: 'Unhealthy', checks };
    expect(toHealthReport(problem, true)).toEqual({ status: 'Unhealthy', checks });
  });

  it('derives the overall state from the checks when nothing names it', () => {
    expect(toHealthReport({ status: 503, checks }, true)?.status).toBe('Unhealthy');
    expect(toHealthReport({ checks: [checks[0]] }, false)?.status).toBe('Healthy');
  });

  it('rejects bodies without a usable check list', () => {
    expect(toHealthReport(null, false)).toBeNull();
    expect(toHealthReport({ status: 'Healthy' }, false)).toBeNull();
    expect(toHealthReport({ status: 'Healthy', checks: [{ name: 1 }] }, false)).toBeNull();
  });
});

describe('fetchHealth', () => {
  it('asks /api/health for JSON and fails on other status codes', async () => {
    const fetchMock = vi.fn(async () => new Response('{}', { status: 500 }));
    await expect(fetchHealth(undefined, fetchMock)).rejects.toThrow('answered 500');
    expect(fetchMock).toHaveBeenCalledWith('/api/health', expect.objectContaining({ headers: { Accept: 'application/json' } }));
  });
});
