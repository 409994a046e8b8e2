// The surveys of a concurrent Surveyor: each has its own id and deadline and
// yields only its own responses, while others run on the same socket.
import {
  Exchange,
  NanomsgError,
  checkMessage,
  type Exchanges,
  type Message,
  type OperationOptions,
  type RawMessageInit,
} from '@nanomsg-ts/core';

/** What the surveys use of their socket. */
export interface SurveyIo {
  readonly exchanges: Exchanges<RunningSurvey>;
  sendMessage(message: RawMessageInit, opts?: OperationOptions): Promise<void>;
  deadline(): number;
}

const DONE: IteratorResult<Buffer, undefined> = Object.freeze({ done: true, value: undefined });

/** One survey: its responses not yet taken, and the caller waiting for the next. */
class RunningSurvey extends Exchange {
  readonly #responses: Buffer[] = [];
  #waiting:
    { resolve(r: IteratorResult<Buffer, undefined>): void; reject(e: unknown): void } | undefined;
  /** Ended: by its deadline or close (undefined error), or by a failure to report. */
  #ended: { error: unknown } | undefined;

  constructor(readonly io: SurveyIo) {
    super();
  }

  answer(body: Buffer): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) waiting.resolve({ done: false, value: body });
    else this.#responses.push(body);
  }

  fail(error: unknown): void {
    // The deadline and close end a survey; abort, terminate and a failed send are failures.
    const normal =
      NanomsgError.isInstance(error) && (error.code === 'ETIMEDOUT' || error.code === 'EBADF');
    this.end(normal ? undefined : error);
  }

  /** Ends the iteration once the responses already received are taken. */
  end(error?: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = { error };
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    if (error === undefined) {
      waiting.resolve(DONE);
      return;
    }
    this.#ended = { error: undefined }; // reported to the caller waiting; the iteration is over
    waiting.reject(error);
  }

  next(): Promise<IteratorResult<Buffer, undefined>> {
    const response = this.#responses.shift();
    if (response !== undefined) return Promise.resolve({ done: false, value: response });
    const ended = this.#ended;
    if (ended !== undefined) {
      if (ended.error === undefined) return Promise.resolve(DONE);
      this.#ended = { error: undefined }; // reported once; the iteration is over
      return Promise.reject(ended.error);
    }
    if (this.#waiting !== undefined) {
      return Promise.reject(new TypeError('survey(): call next() again once its promise settled'));
    }
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  /** `break` out of a `for await`: the survey ends, its later responses are dropped. */
  stop(): Promise<IteratorResult<Buffer, undefined>> {
    this.io.exchanges.end(this);
    this.#responses.length = 0;
    this.end();
    return Promise.resolve(DONE);
  }
}

export type { RunningSurvey };

/** `Surveyor.survey` on a concurrent socket. */
export function startSurvey(
  io: SurveyIo,
  message: Message,
  signal: AbortSignal | undefined,
): AsyncIterableIterator<Buffer> {
  const survey = new RunningSurvey(io);
  const iterator: AsyncIterableIterator<Buffer> = {
    next: () => survey.next(),
    return: () => survey.stop(),
    [Symbol.asyncIterator]: () => iterator,
  };
  try {
    checkMessage(message, 'message');
    if (signal?.aborted) throw signal.reason;
    io.exchanges.open(survey, signal, 'nn_send');
  } catch (error) {
    survey.end(error);
    return iterator;
  }
  io.exchanges.arm(survey, io.deadline(), 'nn_recv');
  io.sendMessage({ header: survey.header, body: message }, { signal }).catch((error: unknown) => {
    if (io.exchanges.end(survey)) survey.fail(error);
  });
  return iterator;
}
