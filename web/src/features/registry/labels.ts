import type { I18n } from '../../i18n/I18nProvider';
import { isMessageKey } from '../../i18n/catalogue';

/** A portal role in words; an unknown role stays as its code. */
export function roleLabel(t: I18n['t'], role: string): string {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

/** A level of government in words. */
export function levelLabel(t: I18n['t'], level: string): string {
  const key = `organisation.level.${level}`;
  return isMessageKey(key) ? t(key) : level;
}
