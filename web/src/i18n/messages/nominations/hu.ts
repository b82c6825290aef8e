import type { nominationsEn } from './en';

export const nominationsHu: Record<keyof typeof nominationsEn, string> = {
};
