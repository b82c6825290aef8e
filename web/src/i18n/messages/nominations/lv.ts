import type { nominationsEn } from './en';

export const nominationsLv: Record<keyof typeof nominationsEn, string> = {
};
