export const newsletterPath = '/newsletter';
export const newsletterConfirmPath = '/newsletter/confirm';
