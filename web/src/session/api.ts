import { send } from './request';

export const portalRoles = ['admin', 'coordinator', 'reviewer', 'member'] as const;
export type Role = (typeof portalRoles)[number];

/** The signed-in person, as GET /api/auth/me answers. */
export interface Me {
  personId: string;
  email: string;
  name: string;
  roles: string[];
  language: string;
}

export function isMe(value: unknown): value is Me {
  if (typeof value !== 'object' || value === null) return false;
  const me = value as Record<string, unknown>;
  return typeof me.personId === 'string' && me.personId !== '' && typeof me.email === 'string' && Array.isArray(me.roles);
}

export function normaliseMe(value: Me): Me {
  return {
    personId: value.personId,
    email: value.email,
    name: typeof value.name === 'string' && value.name !== '' ? value.name : value.email,
    roles: value.roles.filter((r): r is string => typeof r === 'string'),
    language: typeof value.language === 'string' ? value.language : 'en',
  };
}

export const signInPath = '/sign-in';
export const signInCompletePath = '/sign-in/complete';

export function fetchMe(signal?: AbortSignal): Promise<unknown> {
  return send<unknown>('GET', '/api/auth/me', { signal });
}

export function signOut(): Promise<void> {
  return send<void>('POST', '/api/auth/sign-out');
}

export function saveMyLanguage(language: string): Promise<unknown> {
  return send<unknown>('PUT', '/api/auth/me/language', { json: { language } });
}

export interface Providers {
  emailLink: boolean;
  oidc: boolean;
  oidcSignInUrl: string | null;
}

export function fetchProviders(): Promise<Providers> {
  return send<Providers>('GET', '/api/auth/providers');
}

export function requestSignInLink(email: string, language: string): Promise<{ message?: string } | undefined> {
  return send('POST', '/api/auth/sign-in', { json: { email, language } });
}

export function completeSignIn(token: string): Promise<unknown> {
  return send<unknown>('POST', '/api/auth/complete', { json: { token } });
}

/** The token from a link's fragment (#token=…) or, failing that, its query (?token=…). */
export function tokenFromLocation(location: Pick<Location, 'hash' | 'search'> = window.location): string {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  return (fromHash ?? fromQuery ?? '').trim();
}
