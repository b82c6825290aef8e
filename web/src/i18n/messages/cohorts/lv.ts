import type { cohortsEn } from './en';

export const cohortsLv: Record<keyof typeof cohortsEn, string> = {
};
