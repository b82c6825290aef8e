import type { nominationsEn } from './en';

export const nominationsPl: Record<keyof typeof nominationsEn, string> = {
};
