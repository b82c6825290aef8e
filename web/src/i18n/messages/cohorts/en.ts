// The cohorts track's portal messages (English is the source of truth for its keys).
export const cohortsEn = {
} satisfies Record<string, string>;
