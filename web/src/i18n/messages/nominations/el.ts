import type { nominationsEn } from './en';

export const nominationsEl: Record<keyof typeof nominationsEn, string> = {
};
