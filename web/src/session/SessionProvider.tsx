import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { resetAntiforgeryToken } from '../api/http';
import { useI18n } from '../i18n/I18nProvider';
import { isLanguage } from '../i18n/catalogue';
import { fetchMe, isMe, normaliseMe, saveMyLanguage, signOut as postSignOut, type Me } from './api';
import { anyone, clearLanguagePending, markLanguagePending, pendingLanguageOf } from './pendingLanguage';
import { CodedApiError } from './request';

/**
 * loading: asking the server; anonymous: nobody signed in (401); signedIn: a person;
 * unknown: the server could not say (the pages then try, and the server decides).
 */
export type SessionStatus = 'loading' | 'anonymous' | 'signedIn' | 'unknown';

export interface Session {
  status: SessionStatus;
  me: Me | null;
  hasRole: (...roles: string[]) => boolean;
  /** After a completed sign-in: adopts the person and their language. */
  signedIn: (me: Me) => void;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

interface SessionProviderProps {
  /** A known session (tests, or a page rendered with one): not fetched, and its language not adopted. */
  initial?: Me | null;
  children: ComponentChildren;
}

export function SessionProvider({ initial, children }: SessionProviderProps) {
  const { language, setLanguage } = useI18n();
  const [status, setStatus] = useState<SessionStatus>(initial === undefined ? 'loading' : initial ? 'signedIn' : 'anonymous');
  const [me, setMe] = useState<Me | null>(initial ? { ...normaliseMe(initial), language } : null);
  // The language being adopted from the person's record; not to be saved back.
  const adopting = useRef<string | null>(null);
  // The language now, and the one the page had when the session was last known (or the page loaded).
  const current = useRef(language);
  current.current = language;
  const settled = useRef(language);

  const adopt = useCallback(
    (person: Me) => {
      const next = normaliseMe(person);
      setMe(next);
      setStatus('signedIn');
      if (current.current !== settled.current) {
        // Chosen on this page before the session was known (a quick hand on the switcher while the
        // page loads): the choice wins over the record, and the effect below saves it.
        settled.current = current.current;
        return;
      }
      const pending = pendingLanguageOf(next.personId);
      if (pending !== null && isLanguage(pending)) {
        // Chosen here but not saved yet (the page was reloaded before the save landed): the
        // choice wins over the record and is saved again.
        settled.current = pending;
        if (pending !== current.current) {
          void setLanguage(pending);
        }
        return;
      }
      if (isLanguage(next.language) && next.language !== current.current) {
        const recorded = next.language;
        adopting.current = recorded;
        settled.current = recorded;
        void setLanguage(recorded).then((change) => {
          if (change === 'superseded' && adopting.current === recorded) {
            // A language was chosen while the record's one was still on its way: the choice stands
            // and is saved on the record (the effect below runs again for the renewed person).
            adopting.current = null;
            settled.current = current.current;
            setMe((person) => (person ? { ...person } : person));
          }
        });
      } else {
        settled.current = current.current;
      }
    },
    [language, setLanguage],
  );

  const refresh = useCallback(async () => {
    try {
      const body = await fetchMe();
      if (isMe(body)) {
        adopt(body);
      } else {
        setMe(null);
        setStatus('unknown');
      }
    } catch (error) {
      setMe(null);
      setStatus(error instanceof CodedApiError && error.status === 401 ? 'anonymous' : 'unknown');
    }
    // Once per page load: the person's language is adopted then and on sign-in only.
  }, []);

  useEffect(() => {
    if (initial === undefined) {
      void refresh();
    }
  }, [refresh]);

  // A language chosen while the page still asks who is signed in is kept for whoever it turns out
  // to be, so leaving the page before the answer does not lose it; an anonymous answer drops it.
  useEffect(() => {
    if (status === 'loading' && language !== settled.current) {
      markLanguagePending(anyone, language);
    } else if (status === 'anonymous') {
      clearLanguagePending(anyone, language);
    }
  }, [language, status]);

  // A language chosen while signed in is remembered on the person's record.
  useEffect(() => {
    if (!me) return;
    settled.current = language;
    if (adopting.current !== null) {
      if (adopting.current === language) adopting.current = null;
      return;
    }
    if (me.language !== language) {
      const personId = me.personId;
      setMe({ ...me, language });
      markLanguagePending(personId, language);
      saveMyLanguage(language).then(
        () => clearLanguagePending(personId, language),
        () => {
          // Not fatal: the choice holds in this browser and is saved again on the next load.
        },
      );
    }
  }, [language, me]);

  const signedIn = useCallback(
    (person: Me) => {
      resetAntiforgeryToken();
      adopt(person);
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await postSignOut();
    } finally {
      resetAntiforgeryToken();
      setMe(null);
      setStatus('anonymous');
    }
  }, []);

  const value = useMemo<Session>(
    () => ({
      status,
      me,
      hasRole: (...roles) => !!me && roles.some((r) => me.roles.includes(r)),
      signedIn,
      signOut,
      refresh,
    }),
    [status, me, signedIn, signOut, refresh],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

const noSession: Session = {
  status: 'unknown',
  me: null,
  hasRole: () => false,
  signedIn: () => undefined,
  signOut: async () => undefined,
  refresh: async () => undefined,
};

/** The current session; outside a provider (isolated component tests) nobody is signed in. */
export function useSession(): Session {
  return useContext(SessionContext) ?? noSession;
}
