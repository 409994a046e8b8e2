// Type-level tests of @nanomsg-ts/survey: Surveyor and Respondent send and
// receive, survey() yields Buffers, constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import {
  NanomsgError,
  Respondent,
  Surveyor,
  type RequestHandler,
  type RespondentOptions,
  type SurveyorOptions,
} from '@nanomsg-ts/survey';

describe('Surveyor', () => {
  test('sends and receives', () => {
    expectTypeOf<Surveyor['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Surveyor['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Surveyor['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Surveyor['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Surveyor>().toExtend<AsyncIterable<Buffer>>();
  });

  test('survey(message, opts) returns an AsyncIterable<Buffer>', () => {
    expectTypeOf<Surveyor['survey']>().returns.toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Surveyor['survey']>().returns.not.toExtend<Promise<unknown>>();
    const surveyor = new Surveyor();
    expectTypeOf(surveyor.survey).toBeCallableWith('q');
    expectTypeOf(surveyor.survey).toBeCallableWith(Buffer.from('q'), {
      signal: new AbortController().signal,
    });
    // @ts-expect-error a number is not a message
    void surveyor.survey(1);
    const check = async (): Promise<void> => {
      for await (const answer of surveyor.survey('q')) expectTypeOf(answer).toEqualTypeOf<Buffer>();
    };
    void check;
  });

  test('deadline is a number property and a constructor option', () => {
    expectTypeOf<Surveyor['deadline']>().toEqualTypeOf<number>();
    expectTypeOf<SurveyorOptions['deadline']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(Surveyor).toBeConstructibleWith({ deadline: 500, raw: false });
    // @ts-expect-error unknown option
    void new Surveyor({ bogus: 1 });
    // @ts-expect-error deadline is a number
    void new Surveyor({ deadline: '1s' });
  });
});

describe('Respondent', () => {
  test('sends and receives, and has no survey()', () => {
    expectTypeOf<Respondent['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Respondent['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Respondent>().toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Respondent>().not.toHaveProperty('survey');
    expectTypeOf<Respondent>().not.toHaveProperty('deadline');
  });

  test('constructor options are type-checked', () => {
    expectTypeOf<ConstructorParameters<typeof Respondent>[0]>().toEqualTypeOf<
      RespondentOptions | undefined
    >();
    // @ts-expect-error deadline belongs to Surveyor
    void new Respondent({ deadline: 100 });
  });

  test('NanomsgError is re-exported', () => {
    expectTypeOf<NanomsgError>().toExtend<Error>();
  });
});

describe('many exchanges at once', () => {
  test('concurrent is a constructor option of Surveyor and Respondent', () => {
    expectTypeOf<SurveyorOptions['concurrent']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RespondentOptions['concurrent']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf(Surveyor).toBeConstructibleWith({ concurrent: true, deadline: 200 });
    expectTypeOf<Surveyor['concurrent']>().toEqualTypeOf<boolean>();
  });

  test('Respondent.serve takes a handler; Surveyor has none', () => {
    expectTypeOf<Respondent['serve']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Respondent['serve']>().parameter(0).toEqualTypeOf<RequestHandler>();
    expectTypeOf<Surveyor>().not.toHaveProperty('serve');
  });
});
