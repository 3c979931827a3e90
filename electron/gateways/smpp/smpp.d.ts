/**
 * The part of node-smpp 0.5.1 (which ships no types) that the gateway uses. PDU fields are
 * dynamic properties named after the SMPP 3.4 fields, hence the index signature.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    constructor(buffer: Buffer);
    command: string;
    command_id: number;
    command_length: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
    [field: string]: unknown;
    static commandLength(stream: Socket): number | false;
    static maxLength: number;
  }

  export interface SessionOptions {
    host?: string;
    port?: number;
    socket?: Socket;
    auto_enquire_link_period?: number;
  }

  export class Session extends EventEmitter {
    constructor(options: SessionOptions);
    socket: Socket;
    paused: boolean;
    /** Sends a PDU; false when the socket is not writable. */
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    _extractPDUs(): void;
    _busy: boolean;
    _command_length: number | null;
  }

  const smpp: {
    Session: typeof Session;
    PDU: typeof PDU;
    errors: Record<string, number>;
  };
  export default smpp;
}
