import { describe, expect, it } from 'vitest';
import { parseSurveyAnswer, questionsInSms, resultsCsvRows, surveySmsText, tallyAnswers } from '../../../shared/surveys/schema';
import type { SurveyQuestion } from '../../../shared/surveys/schema';

const scale: SurveyQuestion = { kind: 'scale', text: 'Hvor tryg føler du dig?', max: 5 };
const yesno: SurveyQuestion = { kind: 'yesno', text: 'Kender du TRYK?' };

describe('survey answers', () => {
  it('reads one answer per question, in order, in the spellings people use', () => {
    expect(parseSurveyAnswer('4', [scale])).toEqual(['4']);
    expect(parseSurveyAnswer(' 4. ', [scale])).toEqual(['4']);
    expect(parseSurveyAnswer('ja', [yesno])).toEqual(['JA']);
    expect(parseSurveyAnswer('Nej!', [yesno])).toEqual(['NEJ']);
    expect(parseSurveyAnswer('YES', [yesno])).toEqual(['JA']);
    expect(parseSurveyAnswer('1 4 JA', [scale, scale, yesno])).toEqual(['1', '4', 'JA']);
    expect(parseSurveyAnswer('2, nej', [scale, yesno])).toEqual(['2', 'NEJ']);
  });

  it('refuses what is not an answer: out of range, words, too few or too many answers', () => {
    expect(parseSurveyAnswer('6', [scale])).toBeNull();
    expect(parseSurveyAnswer('0', [scale])).toBeNull();
    expect(parseSurveyAnswer('ved ikke', [scale])).toBeNull();
    expect(parseSurveyAnswer('4', [scale, yesno])).toBeNull();
    expect(parseSurveyAnswer('4 JA 3', [scale, yesno])).toBeNull();
    expect(parseSurveyAnswer('JA 4', [scale, yesno])).toBeNull();
    expect(parseSurveyAnswer('måske', [yesno])).toBeNull();
    expect(parseSurveyAnswer('4'.repeat(300), [scale])).toBeNull();
  });

  it('the SMS carries each question with its answer mark, and a phone reads the questions back', () => {
    const one = surveySmsText([scale], 'da');
    expect(one).toBe('Politiet spørger: Hvor tryg føler du dig? (svar 1-5)');
    expect(questionsInSms(one)).toEqual([{ kind: 'scale', text: '', max: 5 }]);
    const three = surveySmsText([scale, { ...scale, max: 7 }, yesno], 'en');
    expect(three).toContain('(answer 1-7)');
    expect(three).toContain('e.g. "4 4 YES"');
    expect(questionsInSms(three)?.map((q) => q.kind)).toEqual(['scale', 'scale', 'yesno']);
    expect(questionsInSms('Politiet: Indbrud i Hillerød (svar 1-5)')).toBeNull();
  });

  it('tallies the answers kept, per option, with the mean of a scale', () => {
    const t = tallyAnswers([scale, yesno], [
      { question: 0, value: '4' },
      { question: 0, value: '2' },
      { question: 1, value: 'JA' },
      { question: 1, value: 'x' },
    ]);
    expect(t[0]!.options).toEqual([
      { value: '1', count: 0 },
      { value: '2', count: 1 },
      { value: '3', count: 0 },
      { value: '4', count: 1 },
      { value: '5', count: 0 },
    ]);
    expect(t[0]!.mean).toBe(3);
    expect(t[1]).toMatchObject({ answered: 1, mean: null, options: [{ value: 'JA', count: 1 }, { value: 'NEJ', count: 0 }] });
    expect(resultsCsvRows(t)[0]).toEqual([1, 'Hvor tryg føler du dig?', '1', 0]);
  });
});

describe("the simulator's citizens and a survey", () => {
  it('answer a survey SMS with fitting answers, a few with words, independently of the tip reply share', async () => {
    const { simulatedReply } = await import('../../../electron/gateways/simulator/connector');
    const { SIMULATOR_DEFAULTS } = await import('../../../electron/gateways/simulator/config');
    const config = { ...SIMULATOR_DEFAULTS, replies: 0, surveyReplies: 0.6 };
    const questions: SurveyQuestion[] = [scale, yesno];
    const text = surveySmsText(questions, 'da');
    const answers = Array.from({ length: 1000 }, (_, i) => simulatedReply(config, `+45201${String(i).padStart(5, '0')}`, text));
    const given = answers.filter((a): a is string => a !== undefined);
    expect(given.length).toBeGreaterThan(520);
    expect(given.length).toBeLessThan(680);
    const valid = given.map((a) => parseSurveyAnswer(a, questions)).filter((v) => v !== null);
    expect(valid.length / given.length).toBeGreaterThan(0.9);
    expect(valid.length).toBeLessThan(given.length);
    const values = new Set(valid.map((v) => v[0]));
    expect(values.size).toBeGreaterThanOrEqual(4);
    // An alert's text gets no survey answer, and with replies=0 no tip either.
    expect(simulatedReply(config, '+4520100001', 'Politiet: Indbrud i Hillerød')).toBeUndefined();
  });
});
