import { describe, expect, it } from 'vitest';
import { Template } from '../../../shared/alerts/schema';
import { builtinTemplates, fillTemplate, mergeTemplates, templateId, unfilledFields } from '../../../shared/alerts/templates';
import { categories } from '../../../shared/registry/subscriber';
import { analyzeSms } from '../../../shared/sms';

const typical = {
  case_number: '0900-80150-01234-26',
  description: 'Tre villaer er ramt i nat. Der er set en mørk varebil køre langsomt rundt.',
  area_name: 'Hillerød Øst',
  time: 'i nat mellem kl. 01 og 04',
  tip: 'svar på denne SMS',
};

describe('built-in alert templates', () => {
  it('cover every category and kind in Danish and English, and match the bridge schema', () => {
    for (const category of categories) {
      for (const kind of ['alert', 'update', 'close'] as const) {
        for (const language of ['da', 'en'] as const) {
          const t = builtinTemplates.find((x) => x.id === templateId(category, kind, language));
          expect(t, `${category} ${kind} ${language}`).toBeDefined();
          expect(Template.parse(t)).toEqual(t);
          expect(t).toMatchObject({ category, kind, language });
        }
      }
    }
    expect(new Set(builtinTemplates.map((t) => t.id)).size).toBe(builtinTemplates.length);
  });

  it('have the same fields in both languages, each one used by the texts', () => {
    for (const da of builtinTemplates.filter((t) => t.language === 'da')) {
      const en = builtinTemplates.find((t) => t.id === da.id.replace(/\.da$/, '.en'))!;
      expect(en.fields.map((f) => [f.key, f.required]), da.id).toEqual(da.fields.map((f) => [f.key, f.required]));
      for (const f of da.fields) expect(`${da.sms} ${da.social}`).toContain(`{${f.key}}`);
    }
  });

  it('ask for case number, description, area, time and how to tip on a burglary, in Danish words', () => {
    const t = builtinTemplates.find((x) => x.id === 'burglary.alert.da')!;
    expect(t.fields.map((f) => f.label)).toEqual(['journalnummer', 'beskrivelse', 'område', 'tidspunkt', 'tip']);
  });

  it('fill to GSM-7 SMS of at most two parts, and social texts within X\'s limit', () => {
    for (const t of builtinTemplates) {
      const { sms, social } = fillTemplate(t, typical);
      const a = analyzeSms(sms);
      expect(a.encoding, `${t.id}: ${JSON.stringify(a.offending)}`).toBe('GSM-7');
      expect(a.segments, t.id).toBeLessThanOrEqual(2);
      expect(social.length, t.id).toBeLessThanOrEqual(280);
      expect(sms, t.id).not.toMatch(/[{}[\]]/);
    }
  });

  it('say "case closed, thank you" in the close template', () => {
    expect(fillTemplate(builtinTemplates.find((x) => x.id === 'missing_person.close.da')!, typical).sms).toBe(
      'Politiet: Sagen er opklaret - tak for hjælpen. J.nr. 0900-80150-01234-26',
    );
    expect(fillTemplate(builtinTemplates.find((x) => x.id === 'missing_person.close.en')!, typical).sms).toBe(
      'Police: The case is closed - thank you for your help. Case 0900-80150-01234-26',
    );
  });

  it('fill fields in place and leave missing ones visible as [label]', () => {
    const t = builtinTemplates.find((x) => x.id === 'wanted_vehicle.alert.da')!;
    const { sms } = fillTemplate(t, { area_name: ' Helsingør ', description: 'Rød Golf, reg. AB 12 345.', tip: 'ring 114', time: '' });
    expect(sms).toBe('Politiet efterlyser et køretøj i Helsingør [tidspunkt]. Rød Golf, reg. AB 12 345. Grib ikke selv ind. Tip os: ring 114. J.nr. [journalnummer]');
    expect(unfilledFields(t, sms)).toEqual(['case_number', 'time']);
    expect(unfilledFields(t, fillTemplate(t, typical).sms)).toEqual([]);
    expect(unfilledFields(t, t.sms)).toEqual(t.fields.map((f) => f.key));
    const en = fillTemplate(builtinTemplates.find((x) => x.id === 'wanted_vehicle.alert.en')!, {}).sms;
    expect(en).toContain('[case number]');
    expect(en).toContain('[how to tip]');
  });

  it('let an administrator replace a built-in template by id or add one', () => {
    const mine = { ...builtinTemplates[0]!, name: 'Eget indbrud', sms: 'Indbrud i {area_name}.' };
    const extra = { ...builtinTemplates[0]!, id: 'custom.1', name: 'Ny' };
    const merged = mergeTemplates(builtinTemplates, [mine, extra]);
    expect(merged).toHaveLength(builtinTemplates.length + 1);
    expect(merged.find((t) => t.id === mine.id)!.name).toBe('Eget indbrud');
  });
});
