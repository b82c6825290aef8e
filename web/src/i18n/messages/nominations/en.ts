// The nominations track's portal messages (English is the source of truth for its keys).
export const nominationsEn = {
} satisfies Record<string, string>;
