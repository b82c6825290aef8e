import type { nominationsEn } from './en';

export const nominationsHe: Record<keyof typeof nominationsEn, string> = {
};
