import { http, type RequestOptions } from '../../api/http';

export const orchestrationStatuses = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
] as const;

export type OrchestrationStatus = (typeof orchestrationStatuses)[number];

/** While an instance is in one of these states the detail page keeps polling. */
export const liveStatuses: ReadonlySet<string> = new Set(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);
export const finishedStatuses: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Canceled', 'Terminated']);

export interface OrchestrationSummary {
  instanceId: string;
  name: string;
  status: OrchestrationStatus | string;
  version: string | null;
  createdAt: string;
  lastUpdatedAt: string;
  customStatus: unknown;
  failureMessage: string | null;
}

export interface OrchestrationPage {
  items: OrchestrationSummary[];
  continuationToken: string | null;
}

export interface HistoryEvent {
  eventType: string;
  timestamp: string;
  taskId: number | null;
  name: string | null;
  data: unknown;
  failureDetails: unknown;
}

export interface OrchestrationDetail {
  instance: OrchestrationSummary;
  input: unknown;
  output: unknown;
  history: HistoryEvent[];
}

export interface OrchestrationFilter {
  statuses: readonly string[];
  name: string;
  /** ISO 8601 instants, or empty. */
  createdFrom: string;
  createdTo: string;
}

export const emptyFilter: OrchestrationFilter = { statuses: [], name: '', createdFrom: '', createdTo: '' };

export const adminBase = '/api/admin/orchestrations';
export const pageSize = 50;

export function listUrl(filter: OrchestrationFilter, continuationToken: string | null): string {
  const query = new URLSearchParams();
  if (filter.statuses.length > 0) query.set('status', filter.statuses.join(','));
  if (filter.name.trim() !== '') query.set('name', filter.name.trim());
  if (filter.createdFrom) query.set('createdFrom', filter.createdFrom);
  if (filter.createdTo) query.set('createdTo', filter.createdTo);
  query.set('pageSize', String(pageSize));
  if (continuationToken) query.set('continuationToken', continuationToken);
  return `${adminBase}?${query.toString()}`;
}

export function instanceUrl(instanceId: string): string {
  return `${adminBase}/${encodeURIComponent(instanceId)}`;
}

export async function listOrchestrations(
  filter: OrchestrationFilter,
  continuationToken: string | null,
  options?: RequestOptions,
): Promise<OrchestrationPage> {
  const page = await http.get<Partial<OrchestrationPage> | undefined>(listUrl(filter, continuationToken), options);
  return { items: page?.items ?? [], continuationToken: page?.continuationToken || null };
}

export function getOrchestration(instanceId: string, options?: RequestOptions): Promise<OrchestrationDetail> {
  return http.get<OrchestrationDetail>(instanceUrl(instanceId), options);
}

export function raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
  return http.post<void>(`${instanceUrl(instanceId)}/events/${encodeURIComponent(eventName)}`, data);
}

export type ControlAction = 'terminate' | 'suspend' | 'resume';

export function control(instanceId: string, action: ControlAction, reason: string): Promise<void> {
  return http.post<void>(`${instanceUrl(instanceId)}/${action}`, { reason: reason.trim() === '' ? null : reason.trim() });
}

export function purge(instanceId: string): Promise<{ purged: boolean | number } | undefined> {
  return http.delete<{ purged: boolean | number } | undefined>(instanceUrl(instanceId));
}
