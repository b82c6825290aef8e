import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PageHeading } from '../shell/PageHeading';
import { tokenFromLocation } from './api';

// The pages opened from a personal emailed link (invitation, survey, review, TRADE report and gate,
// onboarding, proposal, sign-in, newsletter confirmation) share one life: the token is read from
// the link once, and the page is either read with it, or refused (no token, an unknown, expired or
// used link, or a failed call). How a page words a refusal is its own: R is a message, a code or
// a catalogue key.

export type PersonalLinkState<T, R = string> = { kind: 'loading' } | { kind: 'ready'; page: T } | { kind: 'refused'; refusal: R };

export type PersonalLinkOptions<T, R> = {
  /** The refusal when the link carries no token. */
  missing: () => R;
} & (
  | {
      /** Reads what the link opens, as the page opens. */
      load: (token: string) => Promise<T>;
      /** The refusal when reading fails. */
      refusal: (error: unknown) => R;
    }
  // A page whose link is used only by its button (mail scanners open links) opens ready.
  | { load?: undefined; refusal?: undefined }
);

export interface PersonalLink<T, R> {
  /** The token from the link's fragment (or query), '' when it has none. */
  token: string;
  state: PersonalLinkState<T, R>;
  /** The page as the last answer gave it. */
  show: (page: T) => void;
  /** Refused by an answer to the page's button. */
  refuse: (refusal: R) => void;
}

export function usePersonalLink<T = undefined, R = string>(options: PersonalLinkOptions<T, R>): PersonalLink<T, R> {
  const [token] = useState(() => tokenFromLocation());
  const [state, setState] = useState<PersonalLinkState<T, R>>(() => {
    if (token === '') return { kind: 'refused', refusal: options.missing() };
    // Without a load there is no page to read: T is undefined then.
    return options.load ? { kind: 'loading' } : { kind: 'ready', page: undefined as T };
  });

  useEffect(() => {
    const { load, refusal } = options;
    if (token === '' || !load) return;
    let current = true;
    load(token).then(
      (page) => current && setState({ kind: 'ready', page }),
      (error: unknown) => current && setState({ kind: 'refused', refusal: refusal(error) }),
    );
    return () => {
      current = false;
    };
  }, [token]);

  return {
    token,
    state,
    show: (page) => setState({ kind: 'ready', page }),
    refuse: (refusal) => setState({ kind: 'refused', refusal }),
  };
}

interface PersonalLinkStatusProps {
  state: Exclude<PersonalLinkState<unknown>, { kind: 'ready' }>;
  /** The page's heading while it loads (and when refused, unless refusedTitle is given). */
  title?: string;
  refusedTitle?: string;
  loadingText: string;
  /** What follows the reason for a refusal (where to ask for a new link). */
  children?: ComponentChildren;
}

/** A personal-link page while it loads (announced as a status), or the reason it was refused. */
export function PersonalLinkStatus({ state, title, refusedTitle, loadingText, children }: PersonalLinkStatusProps) {
  if (state.kind === 'loading') {
    return (
      <>
        {title !== undefined && <PageHeading>{title}</PageHeading>}
        <p role="status">{loadingText}</p>
      </>
    );
  }
  return (
    <>
      <PageHeading>{refusedTitle ?? title}</PageHeading>
      <p class="notice notice--error">{state.refusal}</p>
      {children}
    </>
  );
}
