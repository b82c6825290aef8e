import type { nominationsEn } from './en';

export const nominationsAr: Record<keyof typeof nominationsEn, string> = {
};
