import { describe, expect, it } from 'vitest';
import { lineLog } from '../../../electron/log';
import { memoryLog } from '../../support/log';

const NUMBER = '+4520123456';
const DIGITS = '20123456';

describe('the main-process logger', () => {
  it('never writes a phone number, whether in a known field, a message, an error or a nested value', () => {
    const { log, lines } = memoryLog();
    log.info({ phone: NUMBER, recipient: { msisdn: NUMBER } }, 'a field');
    log.warn(`tip from ${NUMBER} stored`);
    log.warn(`Kannel said: no route to 004520123456 or ${DIGITS}`);
    log.error({ err: new Error(`submit to ${NUMBER} refused`), detail: { text: `call ${NUMBER}` } }, 'failed');
    log.child({ module: 'x', tipster: NUMBER }).info('from a child with %s', NUMBER);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).not.toContain(DIGITS);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(lines.join('\n')).toContain('[phone]');
  });

  it('keeps what is not a phone number: times, counts, short ids, hashes', () => {
    const { log, entries } = memoryLog();
    log.info({ send: 42, recipients: 34_000 }, 'send 42: released to 215 recipient(s)');
    const [entry] = entries();
    expect(entry).toMatchObject({ send: 42, recipients: 34_000, msg: 'send 42: released to 215 recipient(s)' });
    expect(typeof entry!.time).toBe('number');
  });

  it('follows the level it is given and hands plain, redacted messages to a printer', () => {
    const printed: string[] = [];
    const log = lineLog((l) => printed.push(l), 'warn');
    log.info('not shown');
    log.warn(`gateway refused ${NUMBER}`);
    expect(printed).toEqual(['gateway refused [phone]']);
  });

  it('is quiet in tests unless TRYK_LOG_LEVEL says otherwise', async () => {
    const { logFor } = await import('../../../electron/log');
    expect(logFor('test').level).toBe(process.env.TRYK_LOG_LEVEL ?? 'silent');
  });
});
