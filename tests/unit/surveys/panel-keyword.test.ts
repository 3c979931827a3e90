import { describe, expect, it } from 'vitest';
import { checkKeywords, defaultKeywords, routeMessage } from '../../../electron/tips/keywords';

describe('the PANEL keyword', () => {
  it('is a keyword on its own, in any case, also with settings stored before it existed', () => {
    expect(routeMessage('panel')).toEqual({ kind: 'panel', word: 'panel' });
    expect(routeMessage('Borgerpanel!')).toMatchObject({ kind: 'panel' });
    const { panel: _, ...older } = defaultKeywords;
    expect(routeMessage('PANEL', older)).toMatchObject({ kind: 'panel' });
    expect(routeMessage('panel ved skolen i går')).toEqual({ kind: 'tip' });
  });

  it('an administrator may rename it, but not to a word another keyword has, nor to nothing', () => {
    expect(checkKeywords({ ...defaultKeywords, panel: ['MEDLEM'] })).toBeNull();
    expect(routeMessage('medlem', { ...defaultKeywords, panel: ['MEDLEM'] })).toMatchObject({ kind: 'panel' });
    expect(checkKeywords({ ...defaultKeywords, panel: ['STOP'] })).toMatch(/both/);
    expect(checkKeywords({ ...defaultKeywords, panel: [] })).toMatch(/panel: at least one word/);
  });
});
