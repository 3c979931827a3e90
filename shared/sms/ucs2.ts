/** UTF-16 big-endian, which is what SMS "UCS-2" means on every network today (emoji included). */
export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

const CHUNK = 4096;

export function decodeUcs2(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0) {
    throw new RangeError(`UCS-2 data must have an even number of bytes, got ${bytes.length}`);
  }
  const units = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < units.length; i++) {
    units[i] = ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number);
  }
  // Chunked because spreading a long array into fromCharCode can overflow the call stack.
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) {
    text += String.fromCharCode(...units.subarray(i, i + CHUNK));
  }
  return text;
}
