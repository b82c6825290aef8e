import type { cohortsEn } from './en';

export const cohortsHu: Record<keyof typeof cohortsEn, string> = {
};
