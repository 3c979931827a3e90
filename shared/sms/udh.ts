/** A concatenated message can have at most 255 parts: the UDH counts them in one octet. */
export const MAX_CONCATENATED_PARTS = 255;

function checkOctet(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > 255) {
    throw new RangeError(`${name} must be an integer ${min}..255, got ${value}`);
  }
}

/** User data header for part `seq` (1-based) of `total`, 8-bit reference (IEI 0x00, TS 23.040 §9.2.3.24.1). */
export function concatUdh(reference: number, total: number, seq: number): Uint8Array {
  checkOctet('reference', reference, 0);
  checkOctet('total', total, 1);
  checkOctet('seq', seq, 1);
  if (seq > total) throw new RangeError(`seq ${seq} is beyond total ${total}`);
  return Uint8Array.of(0x05, 0x00, 0x03, reference, total, seq);
}

/** Fill bits after a UDH of `udhBytes` octets (including the UDHL octet) so GSM-7 text starts on a septet boundary. */
export function udhFillBits(udhBytes: number): number {
  if (!Number.isInteger(udhBytes) || udhBytes < 0) {
    throw new RangeError(`udhBytes must be a non-negative integer, got ${udhBytes}`);
  }
  return (7 - ((udhBytes * 8) % 7)) % 7;
}
