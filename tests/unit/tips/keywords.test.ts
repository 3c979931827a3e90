import { describe, expect, it } from 'vitest';
import { checkKeywords, defaultKeywords, foldWord, routeMessage } from '../../../electron/tips/keywords';
import { cleanText } from '../../../electron/tips/text';
import { answerText } from '../../../electron/tips/answers';
import { ftsQuery } from '../../../electron/tips/service';
import { analyzeSms } from '../../../shared/sms';

describe('the keyword router', () => {
  it.each([
    ['STOP', 'stop'],
    ['stop', 'stop'],
    ['Stopp!', 'stop'],
    ['  afmeld. ', 'stop'],
    ['STOP tak', 'stop'],
    ['HJÆLP', 'help'],
    ['hjaelp', 'help'],
    ['Hjælp?', 'help'],
    ['info', 'help'],
    ['Ja', 'confirm'],
    ['ja!', 'confirm'],
    ['YES', 'confirm'],
  ])('%j is %s', (text, kind) => {
    expect(routeMessage(text).kind).toBe(kind);
  });

  it('reads START/TILMELD with or without a postcode, and a number that is not one as the postcode to refuse', () => {
    expect(routeMessage('TILMELD 3400')).toMatchObject({ kind: 'start', postcode: '3400' });
    expect(routeMessage('tilmeld 3400 Hillerød')).toMatchObject({ kind: 'start', postcode: '3400', rest: 'Hillerød' });
    expect(routeMessage('Start')).toMatchObject({ kind: 'start', postcode: null });
    expect(routeMessage('TILMELD 99999')).toMatchObject({ kind: 'start', postcode: '99999' });
  });

  it('treats everything else as a tip, also sentences that begin with a keyword', () => {
    for (const text of ['stop den røde bil ved Netto', 'Start af knallert kl 3 om natten', 'Ja jeg så ham ved stationen', 'Jeg så en bil', '', '🚗', 'STOPSTOPSTOPSTOPSTOPSTOPSTOP']) {
      expect(routeMessage(text).kind).toBe('tip');
    }
  });

  it('folds case, accents and æøå the same way for words and settings', () => {
    expect(foldWord('HJÆLP')).toBe(foldWord('hjaelp'));
    expect(foldWord('Tilmëld')).toBe('tilmeld');
    expect(routeMessage('hjælp', { ...defaultKeywords, help: ['HJAELP'] }).kind).toBe('help');
  });

  it('checks an administrator’s keywords', () => {
    expect(checkKeywords(defaultKeywords)).toBeNull();
    expect(checkKeywords({ ...defaultKeywords, stop: [] })).toMatch(/stop/);
    expect(checkKeywords({ ...defaultKeywords, help: ['STOP'] })).toMatch(/both/);
    expect(checkKeywords({ ...defaultKeywords, help: ['two words'] })).toMatch(/one word/);
  });
});

describe('citizens’ text as stored', () => {
  it('replaces lone surrogates, drops control and direction characters, keeps newlines and markup', () => {
    expect(cleanText('a\ud800b\udc00c').text).toBe('a\ufffdb\ufffdc');
    expect(cleanText('x\u0000\u001b[31my\r\nz\u202e').text).toBe('x[31my\nz');
    expect(cleanText('<b>fed</b>').text).toBe('<b>fed</b>');
    expect(cleanText('😀'.repeat(5000))).toMatchObject({ cut: true });
    expect(cleanText('😀'.repeat(5000)).text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('makes search words literal prefixes, never FTS syntax', () => {
    expect(ftsQuery('rød bil')).toBe('"rød"* "bil"*');
    expect(ftsQuery('NEAR(a b) OR "x')).toBe('"NEAR"* "a"* "b"* "OR"* "x"*');
    expect(ftsQuery('***')).toBeNull();
  });

  it('answers in GSM-7, the automatic ones in one or two parts', () => {
    for (const kind of ['stop_confirm', 'signup_confirm', 'signup_done', 'signup_needs_postcode', 'signup_unknown_postcode', 'already_active', 'help'] as const) {
      for (const lang of ['da', 'en'] as const) {
        const a = analyzeSms(answerText(kind, lang, { postcode: '3400' }));
        expect(a.encoding).toBe('GSM-7');
        expect(a.segments).toBeLessThanOrEqual(2);
      }
    }
  });
});
