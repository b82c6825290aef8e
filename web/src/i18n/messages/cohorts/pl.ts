import type { cohortsEn } from './en';

export const cohortsPl: Record<keyof typeof cohortsEn, string> = {
};
