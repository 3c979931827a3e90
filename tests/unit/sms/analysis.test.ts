import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GSM7_BASIC_TABLE,
  GSM7_EXTENSION_TABLE,
  analyzeSms,
  concatUdh,
  encodeGsm7,
  encodeUcs2,
  isGsm7,
  packGsm7,
  replaceOffending,
  smsCost,
  splitSms,
  suggestGsm7,
  udhFillBits,
} from '../../../shared/sms';

const septets = (text: string): number => encodeGsm7(text).length;

describe('analyzeSms: GSM-7 boundaries', () => {
  it('reports an empty text as zero segments with a whole segment left', () => {
    expect(analyzeSms('')).toEqual({
      encoding: 'GSM-7',
      characters: 0,
      units: 0,
      segments: 0,
      unitsPerSegment: 160,
      remainingInSegment: 160,
      offending: [],
    });
    expect(splitSms('')).toEqual({ encoding: 'GSM-7', parts: [] });
  });

  it.each([
    [1, 1, 160, 159],
    [160, 1, 160, 0],
    [161, 2, 153, 145],
    [306, 2, 153, 0],
    [307, 3, 153, 152],
    [153 * 255, 255, 153, 0],
  ])('%i septets -> %i segments of %i, %i left', (length, segments, perSegment, remaining) => {
    const analysis = analyzeSms('a'.repeat(length));
    expect(analysis).toMatchObject({ encoding: 'GSM-7', characters: length, units: length, segments, unitsPerSegment: perSegment, remainingInSegment: remaining });
  });

  it('counts an extension character as two septets but one character', () => {
    const analysis = analyzeSms('Pris: 100 €');
    expect(analysis).toMatchObject({ encoding: 'GSM-7', characters: 11, units: 12, segments: 1, remainingInSegment: 148 });
  });

  it('tips over at 160 septets when the extension characters push it there', () => {
    expect(analyzeSms('a'.repeat(158) + '€').segments).toBe(1);
    expect(analyzeSms('a'.repeat(159) + '€').segments).toBe(2);
    expect(analyzeSms('[]{}'.repeat(40)).units).toBe(320);
  });

  it('never splits an extension character across parts: € at septet 153 moves to the next part', () => {
    // 152 + 2 + 152 = 306 septets: two parts by the naive ceil, three in reality.
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(152);
    const analysis = analyzeSms(text);
    expect(analysis.units).toBe(306);
    expect(Math.ceil(analysis.units / 153)).toBe(2);
    expect(analysis.segments).toBe(3);
    const { parts } = splitSms(text);
    expect(parts).toEqual(['a'.repeat(152), '€' + 'b'.repeat(151), 'b']);
    expect(analysis.remainingInSegment).toBe(152);
  });

  it('fills a part exactly when the extension character ends on septet 153', () => {
    const text = 'a'.repeat(151) + '€' + 'b'.repeat(10);
    expect(splitSms(text).parts).toEqual(['a'.repeat(151) + '€', 'b'.repeat(10)]);
  });

  it('counts CR LF and form feed like the network does', () => {
    expect(analyzeSms('a\r\nb').units).toBe(4);
    expect(analyzeSms('a\fb')).toMatchObject({ encoding: 'GSM-7', units: 4 });
  });
});

describe('analyzeSms: UCS-2 boundaries', () => {
  it.each([
    [70, 1, 70, 0],
    [71, 2, 67, 63],
    [134, 2, 67, 0],
    [135, 3, 67, 66],
  ])('%i units -> %i segments of %i, %i left', (length, segments, perSegment, remaining) => {
    const text = 'ó' + 'a'.repeat(length - 1);
    expect(analyzeSms(text)).toMatchObject({ encoding: 'UCS-2', characters: length, units: length, segments, unitsPerSegment: perSegment, remainingInSegment: remaining });
  });

  it('counts an emoji as one character and two UTF-16 units', () => {
    const analysis = analyzeSms('Hej 👋');
    expect(analysis).toMatchObject({ encoding: 'UCS-2', characters: 5, units: 6, segments: 1, remainingInSegment: 64 });
  });

  it('counts extension characters once in UCS-2', () => {
    expect(analyzeSms('€ ó').units).toBe(3);
  });

  it('never splits a surrogate pair: an emoji at unit 67 moves to the next part', () => {
    const text = 'ó' + 'a'.repeat(65) + '😀' + 'b'.repeat(66);
    const analysis = analyzeSms(text);
    expect(analysis.units).toBe(134);
    expect(analysis.segments).toBe(3);
    const { encoding, parts } = splitSms(text);
    expect(encoding).toBe('UCS-2');
    expect(parts).toEqual(['ó' + 'a'.repeat(65), '😀' + 'b'.repeat(65), 'b']);
  });

  it('fits 35 emoji in one part and splits 36 into parts of at most 33', () => {
    expect(analyzeSms('😀'.repeat(35))).toMatchObject({ units: 70, segments: 1, characters: 35 });
    const { parts } = splitSms('😀'.repeat(36));
    expect(parts.map((part) => part.length)).toEqual([66, 6]);
  });

  it('switches the whole text to UCS-2 for one character', () => {
    const text = 'a'.repeat(100) + '’';
    expect(analyzeSms(text)).toMatchObject({ encoding: 'UCS-2', units: 101, segments: 2 });
    expect(analyzeSms(replaceOffending(text))).toMatchObject({ encoding: 'GSM-7', units: 101, segments: 1 });
  });
});

describe('offending characters and their suggestions', () => {
  it('reports position, length and code point of every offending character', () => {
    const analysis = analyzeSms('Brand i “Rådhuset” – 😀 kom!');
    expect(analysis.offending).toEqual([
      { char: '“', index: 8, length: 1, codePoint: 0x201c, suggestion: '"' },
      { char: '”', index: 17, length: 1, codePoint: 0x201d, suggestion: '"' },
      { char: '–', index: 19, length: 1, codePoint: 0x2013, suggestion: '-' },
      { char: '😀', index: 21, length: 2, codePoint: 0x1f600, suggestion: null },
    ]);
  });

  it.each([
    ['\u2019', "'"], ['\u2018', "'"], ['`', "'"], ['\u00b4', "'"],
    ['\u201c', '"'], ['\u201d', '"'], ['\u201e', '"'], ['\u00ab', '"'],
    ['\u2013', '-'], ['\u2014', '-'], ['\u2212', '-'], ['\u2026', '...'],
    ['\u00a0', ' '], ['\u202f', ' '], ['\t', ' '], ['\u200b', ''], ['\u00ad', ''],
    ['á', 'a'], ['í', 'i'], ['ó', 'o'], ['ú', 'u'], ['Á', 'A'], ['Ó', 'O'], ['À', 'A'],
    ['ê', 'e'], ['ë', 'e'], ['ï', 'i'], ['ô', 'o'], ['û', 'u'], ['È', 'E'], ['ç', 'c'],
    ['š', 's'], ['ł', 'l'], ['œ', 'oe'], ['ﬁ', 'fi'], ['Ａ', 'A'], ['½', '1/2'], ['𝐇', 'H'],
    ['\u0301', ''],
  ])('suggests %j -> %j', (char, suggestion) => {
    const [offending] = analyzeSms(char).offending;
    expect(offending?.suggestion).toBe(suggestion);
  });

  it.each([['😀'], ['δ'], ['ж'], ['中'], ['¨'], ['\u200d'], ['\ufe0f'], ['\ud800']])('offers nothing for %j', (char) => {
    expect(analyzeSms(char).offending[0]?.suggestion).toBeNull();
  });

  it('only ever suggests GSM-7 text, for every code point', () => {
    const bad: number[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      const suggestion = suggestGsm7(codePoint);
      if (suggestion !== null && !isGsm7(suggestion)) bad.push(codePoint);
    }
    expect(bad).toEqual([]);
  });

  it('replaces what it can and keeps what it cannot', () => {
    expect(replaceOffending('Det er “farligt” – hold dig væk… 🚒')).toBe('Det er "farligt" - hold dig væk... 🚒');
  });

  it('composes decomposed Danish letters instead of dropping their rings', () => {
    expect(replaceOffending('Ga\u030Agade og Ke\u0301')).toBe('Gågade og Ké');
  });

  it('leaves every GSM-7 character alone, normalisation included', () => {
    const all = GSM7_BASIC_TABLE.replace('\u001b', '') + [...GSM7_EXTENSION_TABLE.values()].join('');
    expect(all).toHaveLength(137);
    expect(replaceOffending(all)).toBe(all);
  });

  it('leaves a GSM-7 text untouched', () => {
    const text = 'Politiet: Røg fra brand i Århus C. Hold vinduer lukket! {info} €5 [a|b] ~ ^ \\';
    expect(replaceOffending(text)).toBe(text);
  });
});

describe('smsCost', () => {
  it('bills every part to every recipient', () => {
    expect(smsCost(analyzeSms('a'.repeat(161)), 1000, 25)).toBe(50_000);
    expect(smsCost(analyzeSms(''), 1000, 25)).toBe(0);
    expect(smsCost(analyzeSms('ó'.repeat(70)), 3, 0.5)).toBe(1.5);
  });

  it('refuses nonsense counts and prices', () => {
    const analysis = analyzeSms('hej');
    expect(() => smsCost(analysis, -1, 25)).toThrow(RangeError);
    expect(() => smsCost(analysis, 1.5, 25)).toThrow(RangeError);
    expect(() => smsCost(analysis, 1, Number.NaN)).toThrow(RangeError);
    expect(() => smsCost(analysis, 1, -2)).toThrow(RangeError);
  });
});

describe('concatUdh', () => {
  it('builds 05 00 03 ref total seq', () => {
    expect(Array.from(concatUdh(0xa7, 3, 2))).toEqual([0x05, 0x00, 0x03, 0xa7, 0x03, 0x02]);
  });

  it.each([
    [256, 2, 1], [-1, 2, 1], [1.5, 2, 1], [1, 0, 1], [1, 256, 1], [1, 2, 0], [1, 2, 3],
  ])('rejects reference %d, total %d, seq %d', (reference, total, seq) => {
    expect(() => concatUdh(reference, total, seq)).toThrow(RangeError);
  });

  it('needs one fill bit after the 6-octet header', () => {
    expect(udhFillBits(6)).toBe(1);
    expect(udhFillBits(7)).toBe(0);
    expect(udhFillBits(0)).toBe(0);
  });
});

/** Characters that stress the splitter: plain, extension, non-GSM BMP, astral, lone surrogate. */
const stressUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', ' ', 'æ', 'Ø', '\n', '@') },
  { weight: 2, arbitrary: fc.constantFrom('€', '[', '\\', '\f', '|') },
  { weight: 1, arbitrary: fc.constantFrom('’', 'á', '–', '\u00a0', 'ж') },
  { weight: 1, arbitrary: fc.constantFrom('😀', '👋🏽', '𝐇', '\ud83d') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const stressText = fc.oneof(
  fc.string({ unit: stressUnit, maxLength: 700 }),
  fc.string({ unit: fc.constantFrom('a', '€', 'b'), minLength: 150, maxLength: 500 }),
  fc.string({ unit: fc.constantFrom('x', '😀', 'ó'), minLength: 60, maxLength: 300 }),
);

const highSurrogate = (unit: number | undefined): boolean => unit !== undefined && unit >= 0xd800 && unit <= 0xdbff;
const lowSurrogate = (unit: number | undefined): boolean => unit !== undefined && unit >= 0xdc00 && unit <= 0xdfff;

describe('splitSms properties', () => {
  it('loses nothing: the parts join back into the text', () => {
    fc.assert(
      fc.property(stressText, (text) => {
        expect(splitSms(text).parts.join('')).toBe(text);
      }),
    );
  });

  it('fits every part into one PDU of 140 octets, UDH included when there is more than one', () => {
    fc.assert(
      fc.property(stressText, (text) => {
        const { encoding, parts } = splitSms(text);
        const udh = parts.length > 1 ? 6 : 0;
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          const payload =
            encoding === 'GSM-7' ? packGsm7(encodeGsm7(part), udhFillBits(udh)).length : encodeUcs2(part).length;
          expect(udh + payload).toBeLessThanOrEqual(140);
          const budget = encoding === 'GSM-7' ? (udh ? 153 : 160) : udh ? 67 : 70;
          expect(encoding === 'GSM-7' ? septets(part) : part.length).toBeLessThanOrEqual(budget);
        }
      }),
    );
  });

  it('never ends a part between the halves of a surrogate pair', () => {
    fc.assert(
      fc.property(stressText, (text) => {
        const { parts } = splitSms(text);
        for (let i = 1; i < parts.length; i++) {
          const previous = parts[i - 1] as string;
          const broken = highSurrogate(previous.charCodeAt(previous.length - 1)) && lowSurrogate(parts[i]?.charCodeAt(0));
          expect(broken).toBe(false);
        }
      }),
    );
  });

  it('agrees with analyzeSms on encoding, segments and what is left', () => {
    fc.assert(
      fc.property(stressText, (text) => {
        const analysis = analyzeSms(text);
        const { encoding, parts } = splitSms(text);
        expect(analysis.encoding).toBe(encoding);
        expect(analysis.encoding === 'GSM-7').toBe(isGsm7(text));
        expect(analysis.segments).toBe(parts.length);
        expect(analysis.characters).toBe([...text].length);
        const unitsOf = (part: string): number => (encoding === 'GSM-7' ? septets(part) : part.length);
        expect(analysis.units).toBe(parts.reduce((sum, part) => sum + unitsOf(part), 0));
        const last = parts[parts.length - 1];
        expect(analysis.remainingInSegment).toBe(analysis.unitsPerSegment - (last === undefined ? 0 : unitsOf(last)));
        expect(analysis.segments).toBeGreaterThanOrEqual(
          analysis.units <= analysis.unitsPerSegment ? Math.min(1, analysis.units) : Math.ceil(analysis.units / analysis.unitsPerSegment),
        );
        expect(analysis.offending.length === 0).toBe(encoding === 'GSM-7');
      }),
    );
  });

  it('reports offending characters that rebuild the text with the GSM-7 characters around them', () => {
    fc.assert(
      fc.property(stressText, (text) => {
        let rebuilt = '';
        let at = 0;
        for (const offending of analyzeSms(text).offending) {
          const between = text.slice(at, offending.index);
          expect(isGsm7(between)).toBe(true);
          expect(text.slice(offending.index, offending.index + offending.length)).toBe(offending.char);
          expect(offending.char.codePointAt(0)).toBe(offending.codePoint);
          rebuilt += between + offending.char;
          at = offending.index + offending.length;
        }
        expect(rebuilt + text.slice(at)).toBe(text);
      }),
    );
  });

  it('leaves after replaceOffending only characters nothing could be suggested for', () => {
    fc.assert(
      fc.property(stressText, (text) => {
        const replaced = replaceOffending(text);
        expect(analyzeSms(replaced).offending.filter((o) => o.suggestion !== null)).toEqual([]);
        expect(replaceOffending(replaced)).toBe(replaced);
      }),
    );
  });
});
