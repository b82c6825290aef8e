// A language a signed-in person chose in this browser, kept until the server has saved it on
// their record. A page reloaded (or closed) before the save landed would otherwise adopt the
// older language from the record on its next load.

const pendingLanguageKey = 'innovation-network.language.pending';

/** The person of a choice made before the page knew who is signed in: whoever it turns out to be. */
export const anyone = '*';

interface Pending {
  personId: string;
  language: string;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The language this person chose here and the server has not confirmed yet, or null. */
export function pendingLanguageOf(personId: string, store: Storage | undefined = storage()): string | null {
  try {
    const value = JSON.parse(store?.getItem(pendingLanguageKey) ?? 'null') as Partial<Pending> | null;
    return value && (value.personId === personId || value.personId === anyone) && typeof value.language === 'string' ? value.language : null;
  } catch {
    return null;
  }
}

export function markLanguagePending(personId: string, language: string, store: Storage | undefined = storage()): void {
  try {
    store?.setItem(pendingLanguageKey, JSON.stringify({ personId, language } satisfies Pending));
  } catch {
    // Private modes may refuse storage: only a reload racing the save can then lose the choice.
  }
}

/** Clears the mark once the server has saved this choice (not a newer one made meanwhile). */
export function clearLanguagePending(personId: string, language: string, store: Storage | undefined = storage()): void {
  try {
    if (pendingLanguageOf(personId, store) === language || (personId === anyone && store?.getItem(pendingLanguageKey)?.includes(`"${anyone}"`))) {
      store?.removeItem(pendingLanguageKey);
    }
  } catch {
    // As above.
  }
}
