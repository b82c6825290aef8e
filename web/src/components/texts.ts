/** Text given in several languages, by language code. */
export type Texts = Record<string, string>;

/** The text in the reader's language, else English, else any. */
export function textIn(texts: Texts | null | undefined, language: string): string {
  if (!texts) return '';
  return texts[language] || texts.en || Object.values(texts).find((v) => v) || '';
}
