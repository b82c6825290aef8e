/**
 * A message that counts something has one form per CLDR plural category of its language
 * (English: one, other; Arabic: zero, one, two, few, many, other; Polish: one, few, many, other),
 * chosen by Intl.PluralRules from the `count` parameter. `other` is required: it is the fallback.
 */
export type PluralForms = Readonly<Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }>;
export type Message = string | PluralForms;

/** A translation of an English source catalogue: every key, and a counting message given in plural forms. */
export type TranslationOf<Source extends Record<string, Message>> = { [K in keyof Source]: Source[K] extends string ? string : PluralForms };
