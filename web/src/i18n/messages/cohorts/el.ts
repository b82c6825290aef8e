import type { cohortsEn } from './en';

export const cohortsEl: Record<keyof typeof cohortsEn, string> = {
};
