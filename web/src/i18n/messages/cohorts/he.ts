import type { cohortsEn } from './en';

export const cohortsHe: Record<keyof typeof cohortsEn, string> = {
};
