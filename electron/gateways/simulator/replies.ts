/** What simulated citizens answer an alert with: tips, opt-outs and call-me requests, in Danish. */
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
];
