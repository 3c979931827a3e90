/** Numbers the composer shows, in the console's language. */
export const kroner = (ore: number, language: string) =>
  new Intl.NumberFormat(language === 'da' ? 'da-DK' : 'en-GB', { style: 'currency', currency: 'DKK' }).format(ore / 100);

export const clock = (iso: string, language: string) =>
  new Date(iso).toLocaleTimeString(language === 'da' ? 'da-DK' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const dateTime = (iso: string, language: string) =>
  new Date(iso).toLocaleString(language === 'da' ? 'da-DK' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });

/** Whole minutes and seconds; under a second reads as "under 1 s" via the caller's text. */
export function duration(seconds: number): { minutes: number; seconds: number } {
  const s = Math.max(0, Math.ceil(seconds));
  return { minutes: Math.floor(s / 60), seconds: s % 60 };
}
