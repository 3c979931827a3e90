export type { OffendingChar, SmsAnalysis } from './analysis';
export { SEGMENT_UNITS, analyzeSms, replaceOffending, smsCost, splitSms } from './analysis';
export {
  GSM7_BASIC_TABLE,
  GSM7_EXTENSION_TABLE,
  GsmEncodingError,
  decodeGsm7,
  encodeGsm7,
  gsm7Septets,
  isGsm7,
  packGsm7,
  unpackGsm7,
} from './gsm7';
export { suggestGsm7 } from './suggestions';
export { decodeUcs2, encodeUcs2 } from './ucs2';
export { MAX_CONCATENATED_PARTS, concatUdh, udhFillBits } from './udh';
