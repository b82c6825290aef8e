import type { nominationsEn } from './en';

export const nominationsBg: Record<keyof typeof nominationsEn, string> = {
};
