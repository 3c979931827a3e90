/**
 * What simulated citizens answer an alert with, as people really write: tips with typos and
 * emoji, opt-outs in several spellings, sign-ups with a postcode, questions, and long replies
 * that a phone sends as several UCS-2 parts.
 */
export const SIMULATED_REPLIES: readonly string[] = [
  'Jeg så en hvid varevogn ved skolen kl. 14',
  'STOP',
  'Ring til mig',
  'Der løb en mand i mørk jakke mod stationen for ti minutter siden',
  'Min nabo har set en rød bil holde ved legepladsen hele formiddagen',
  'Hørte et brag ved havnen omkring kl. 13.30',
  'Er det sikkert at hente børn i børnehaven nu?',
  'Jeg har billeder fra Torvet, hvor skal jeg sende dem hen?',
  'Tak for beskeden',
  'Så en knallert uden nummerplade køre stærkt ad Østergade 🛵',
  'saa en mand m rød jakke ved netto for 5 min siden han løb mod skoven',
  'stop',
  'Stopp!',
  'TILMELD 3400',
  'hjælp',
  'bilen holdt ved Brugsen i går aften, nummerplade starter med AB 👀👀',
  'Jeg tror jeg har set drengen 😟 han gik sammen med en ældre mand mod stationen, han havde en blå rygsæk og en rød hue på. Ring gerne til mig hvis I vil vide mere 🙏',
  'Hej, det var min nabos bil der blev stjålet 😢 den stod i indkørslen hele natten, vi hørte en lyd ved 3-tiden men troede det var katten. Der var spor i græsset ud mod vejen 🚗',
];
