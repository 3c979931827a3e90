/**
 * node-smpp's Session, keeping each received PDU's raw octets (see pdu.ts for why).
 * Used by the gateway and by the test SMSC alike, so both read the wire the same way.
 */
import smpp from 'smpp';
import type { PDU, SessionOptions } from 'smpp';

const raws = new WeakMap<PDU, Buffer>();

/** The octets a received PDU was parsed from. */
export function rawOf(pdu: PDU): Buffer | undefined {
  return raws.get(pdu);
}

export class RawSession extends smpp.Session {
  private corked = false;

  constructor(options: SessionOptions) {
    super(options);
  }

  /**
   * Coalesces the PDUs sent in one tick into one socket write: a write per PDU made the
   * syscall the largest cost at thousands of submits (and receipts) a second.
   */
  override send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean {
    if (!this.corked && this.socket.writable) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    return super.send(pdu, responseCallback, sendCallback);
  }

  /**
   * node-smpp 0.5.1's reader with two changes: it keeps the raw buffer, and a malformed
   * PDU destroys the socket (the library leaves the session wedged, and a byte stream
   * cannot be resynchronised after a bad length anyway).
   */
  override _extractPDUs(): void {
    if (this._busy) return;
    this._busy = true;
    try {
      while (!this.paused) {
        let pdu: PDU | undefined;
        try {
          pdu = this.readPdu();
        } catch (error) {
          this.emit('error', error);
          this.socket.destroy();
          return;
        }
        if (!pdu) break;
        this.emit('pdu', pdu);
        this.emit(pdu.command, pdu);
        const callbacks = (this as unknown as { _callbacks: Record<number, (pdu: PDU) => void> })._callbacks;
        const callback = callbacks[pdu.sequence_number];
        if (pdu.isResponse() && callback) {
          delete callbacks[pdu.sequence_number];
          callback(pdu);
        }
      }
    } finally {
      this._busy = false;
    }
  }

  private readPdu(): PDU | undefined {
    if (!this._command_length) {
      const length = smpp.PDU.commandLength(this.socket);
      if (!length) return undefined;
      if (length < 16) throw new Error(`PDU length ${length} is shorter than a header`);
      this._command_length = length;
    }
    const rest = this.socket.read(this._command_length - 4) as Buffer | null;
    if (!rest) return undefined;
    const head = Buffer.alloc(4);
    head.writeUInt32BE(this._command_length, 0);
    const raw = Buffer.concat([head, rest]);
    this._command_length = null;
    const pdu = new smpp.PDU(raw);
    raws.set(pdu, raw);
    return pdu;
  }
}
