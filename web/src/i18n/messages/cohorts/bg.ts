import type { cohortsEn } from './en';

export const cohortsBg: Record<keyof typeof cohortsEn, string> = {
};
