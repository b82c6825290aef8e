import type { cohortsEn } from './en';

export const cohortsAr: Record<keyof typeof cohortsEn, string> = {
};
