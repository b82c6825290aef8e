import { send } from '../../session/request';

export interface Consent {
  givenAt: string;
  textVersion: string;
}

export interface Person {
  id: string;
  name: string;
  email: string;
  organisationId: string | null;
  networkRole: string | null;
  preferredLanguage: string;
  roles: string[];
  consent: Consent | null;
  createdAt: string;
  updatedAt: string;
  eTag: string;
}

export interface PersonRequest {
  name: string;
  email: string;
  organisationId: string;
  networkRole: string | null;
  preferredLanguage: string;
  consent: { givenAt: string | null; textVersion: string | null } | null;
}

export interface Organisation {
  id: string;
  names: Record<string, string>;
  type: string;
  country: string;
  level: string;
  domains: string[];
  createdAt: string;
  updatedAt: string;
  eTag: string;
}

export interface OrganisationRequest {
  id?: string;
  names: Record<string, string>;
  type: string;
  country: string;
  level: string;
  domains: string[];
}

export interface PagedList<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  sort: string;
}

export interface ListQuery {
  page: number;
  pageSize: number;
  sort: string;
  q: string;
}

export const peoplePath = '/registry/people';
export const organisationsPath = '/registry/organisations';
export const importPath = '/registry/import';
export const peopleCsvUrl = '/api/registry/people.csv';
export const newId = 'new';

export function personPath(id: string): string {
  return `${peoplePath}/${encodeURIComponent(id)}`;
}

export function organisationPath(id: string): string {
  return `${organisationsPath}/${encodeURIComponent(id)}`;
}

/** The id in /registry/people/{id} or /registry/organisations/{id}. */
export function idFromPath(path: string, base: string): string {
  return decodeURIComponent(path.slice(base.length + 1));
}

export function listUrl(base: string, query: ListQuery): string {
  const params = new URLSearchParams({ page: String(query.page), pageSize: String(query.pageSize), sort: query.sort });
  if (query.q.trim() !== '') params.set('q', query.q.trim());
  return `${base}?${params.toString()}`;
}

export const listPeople = (query: ListQuery, signal?: AbortSignal) =>
  send<PagedList<Person>>('GET', listUrl('/api/registry/people', query), { signal });
export const getPerson = (id: string) => send<Person>('GET', `/api/registry/people/${encodeURIComponent(id)}`);
export const createPerson = (request: PersonRequest) => send<Person>('POST', '/api/registry/people', { json: request });
export const updatePerson = (id: string, request: PersonRequest, eTag: string) =>
  send<Person>('PUT', `/api/registry/people/${encodeURIComponent(id)}`, { json: request, ifMatch: eTag });

export const grantRole = (personId: string, role: string) =>
  send<{ personId: string; roles: string[] }>('PUT', `/api/admin/people/${encodeURIComponent(personId)}/roles/${encodeURIComponent(role)}`);
export const revokeRole = (personId: string, role: string) =>
  send<{ personId: string; roles: string[] }>('DELETE', `/api/admin/people/${encodeURIComponent(personId)}/roles/${encodeURIComponent(role)}`);

export const listOrganisations = (query: ListQuery, signal?: AbortSignal) =>
  send<PagedList<Organisation>>('GET', listUrl('/api/registry/organisations', query), { signal });
export const getOrganisation = (id: string) => send<Organisation>('GET', `/api/registry/organisations/${encodeURIComponent(id)}`);
export const createOrganisation = (request: OrganisationRequest) => send<Organisation>('POST', '/api/registry/organisations', { json: request });
export const updateOrganisation = (id: string, request: OrganisationRequest, eTag: string) =>
  send<Organisation>('PUT', `/api/registry/organisations/${encodeURIComponent(id)}`, { json: request, ifMatch: eTag });

/** Every organisation (for pickers): the list pages through at most 100 at a time. */
export async function allOrganisations(): Promise<Organisation[]> {
  const all: Organisation[] = [];
  for (let page = 1; page <= 50; page++) {
    const result = await listOrganisations({ page, pageSize: 100, sort: 'name', q: '' });
    all.push(...result.items);
    if (all.length >= result.total || result.items.length === 0) break;
  }
  return all;
}

/** The organisation's name in the reader's language, else English, else any. */
export function organisationName(organisation: Pick<Organisation, 'id' | 'names'>, language: string): string {
  return organisation.names[language] ?? organisation.names.en ?? Object.values(organisation.names)[0] ?? organisation.id;
}

export interface ImportRowError {
  field: string;
  message: string;
}

export interface ImportRow {
  line: number;
  values: Record<string, string>;
  errors: ImportRowError[];
}

export interface ImportPreview {
  importId: string;
  status: string;
  rows: ImportRow[];
  validCount: number;
  errorCount: number;
}

export interface ImportResult {
  importId: string;
  status: string;
  imported: number;
  importedAt: string | null;
}

/** Sends the file's bytes as they are, so the server can check the encoding itself. */
export const previewImport = (file: Blob) =>
  send<ImportPreview>('POST', '/api/registry/people/import/preview', { body: file, contentType: 'text/csv' });
export const confirmImport = (importId: string) =>
  send<ImportResult>('POST', `/api/registry/people/import/${encodeURIComponent(importId)}/confirm`);
