import {
  ExchangeSocket,
  NanomsgError,
  defineOptionProperties,
  registerProtocol,
  type ExchangeSocketOptions,
  type Message,
  type OptionTable,
  type RequestHandler,
  type ServeOptions,
} from '@nanomsg-ts/core';
import { startSurvey, type RunningSurvey, type SurveyIo } from './surveys.js';

export { NanomsgError } from '@nanomsg-ts/core';
export type {
  Endpoint,
  ExchangeSocketOptions,
  Message,
  RequestHandler,
  ServeOptions,
  OperationOptions,
  RawMessage,
  RawMessageInit,
  SocketOptionProperties,
  SocketOptions,
} from '@nanomsg-ts/core';

/** The option properties of a `Surveyor`, beyond those of every socket. */
export interface SurveyorOptionProperties {
  /**
   * `NN_SURVEYOR_DEADLINE` at level `NN_SURVEYOR` (ms, default 1000): how
   * long responses to a survey are accepted. A concurrent `Surveyor` has it
   * too (the binding keeps it: a raw socket has no such option); each survey
   * takes the value it had when the survey began.
   */
  deadline: number;
}

/** Options of the `Surveyor` constructor: `concurrent`, `raw` and any writable option property. */
export interface SurveyorOptions extends ExchangeSocketOptions, Partial<SurveyorOptionProperties> {}

/** Options of the `Respondent` constructor: `concurrent`, `raw` and any writable option property. */
export interface RespondentOptions extends ExchangeSocketOptions {}

const surveyorOptions: OptionTable<SurveyorOptionProperties> = {
  deadline: { option: 'NN_SURVEYOR_DEADLINE', type: 'number' },
};

/** Options of `Surveyor.survey`. */
export interface SurveyOptions {
  /** Stops the survey early: the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
}

// What core needs to know of NN_SURVEYOR and NN_RESPONDENT (see
// registerProtocol): a new survey replaces the previous one, whose late
// answers the library then drops; a RESPONDENT keeps the return path of the
// last survey received only.
registerProtocol('NN_SURVEYOR', { receive: 'ahead', sendStartsExchange: true });
registerProtocol('NN_RESPONDENT', { receive: 'one-exchange' });

// The option properties, made from the table in the class (see SurveyorOptionProperties).
export interface Surveyor extends SurveyorOptionProperties {}

/**
 * A SURVEYOR socket (`NN_SURVEYOR`): sends a survey to every connected
 * `Respondent` and receives their responses until the `deadline`. A `recv`
 * without a survey fails with `'EFSM'`. After the deadline the first `recv`
 * fails with `'ETIMEDOUT'` and later ones (and `tryRecv`) with `'EFSM'`, as
 * the library reports the deadline once, until the next survey; responses
 * arriving after the deadline are dropped by the library. `survey()` ends
 * its iteration at the deadline instead.
 *
 * @example
 * ```ts
 * import { Surveyor } from '@nanomsg-ts/survey';
 * const surveyor = new Surveyor({ deadline: 500 });
 * surveyor.bind('tcp://127.0.0.1:5558');
 * for await (const vote of surveyor.survey('lunch?')) console.log(String(vote));
 * ```
 */
export class Surveyor extends ExchangeSocket {
  #current: AbortController | undefined;
  /** What the surveys of a concurrent Surveyor use. */
  readonly #surveys: SurveyIo | undefined;

  /**
   * Opens a SURVEYOR socket (`nn_socket(AF_SP, NN_SURVEYOR)`; `raw: true`
   * for `AF_SP_RAW`). With `concurrent: true` it is opened raw and surveys
   * may overlap, each yielding its own responses.
   */
  constructor(options?: SurveyorOptions) {
    super('NN_SURVEYOR', options, surveyorOptions);
    this.#surveys = this.concurrent
      ? {
          exchanges: this.exchanges<RunningSurvey>(),
          sendMessage: (m, o) => this.doSendMessage(m, o),
          deadline: () => this.deadline,
        }
      : undefined;
  }

  static {
    defineOptionProperties<SurveyorOptionProperties>(this, surveyorOptions);
  }

  /**
   * Sends `message` as a new survey at once (`nn_send`) and yields the
   * responses (`nn_recv`) until the deadline (`NN_SURVEYOR_DEADLINE`), then ends.
   *
   * A survey started while another is running supersedes it, as in the
   * library: the earlier survey's iteration ends at once (responses it had
   * already yielded stay yielded; later ones belong to the new survey or are
   * dropped). Closing the socket ends the iteration too. A failed send (such
   * as `'EBADF'` when the socket was closed before `survey()` was called), or
   * an aborted `signal`, rejects the iteration.
   *
   * Do not mix `survey()` with plain `recv` on the same socket while a
   * survey runs.
   *
   * On a concurrent `Surveyor`, surveys do not supersede one another: each
   * has its own survey id and its own deadline (the `deadline` when it
   * began), and yields only its own responses. `break` ends it early.
   */
  survey(message: Message, opts?: SurveyOptions): AsyncIterableIterator<Buffer> {
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
      throw new TypeError('options must be an object');
    }
    const signal = opts?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError('signal must be an AbortSignal');
    }
    if (this.#surveys !== undefined) return startSurvey(this.#surveys, message, signal);
    // Closing ends a running survey; a survey begun on a closed socket fails
    // with send's EBADF instead of looking like one that got no answer.
    const openAtStart = !this.closed;
    this.#current?.abort();
    const superseded = new AbortController();
    this.#current = superseded;
    const stop =
      signal === undefined ? superseded.signal : AbortSignal.any([superseded.signal, signal]);
    const sent = this.send(message, { signal: stop });
    sent.catch(() => {});

    let finished = false;
    const end = (): IteratorResult<Buffer, undefined> => {
      finished = true;
      if (this.#current === superseded) this.#current = undefined;
      return { done: true, value: undefined };
    };
    const next = async (): Promise<IteratorResult<Buffer, undefined>> => {
      if (finished) return { done: true, value: undefined };
      try {
        await sent;
        if (superseded.signal.aborted || this.closed) return end();
        return { done: false, value: await this.recv({ signal: stop }) };
      } catch (error) {
        if (superseded.signal.aborted && !signal?.aborted) return end();
        if (
          NanomsgError.isInstance(error) &&
          (error.code === 'ETIMEDOUT' || (error.code === 'EBADF' && this.closed && openAtStart))
        ) {
          return end();
        }
        finished = true;
        throw error;
      }
    };
    const iterator: AsyncIterableIterator<Buffer> = {
      next,
      return: async () => end(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/**
 * A RESPONDENT socket (`NN_RESPONDENT`): receives surveys and sends each
 * response back to the surveyor that asked. Answer before the surveyor's
 * deadline, or the answer is dropped. The library keeps the return path of
 * the last survey received only, so on a cooked `Respondent` a `recv`,
 * `tryRecv` or iteration step while another `recv` is pending fails with
 * `'EFSM'`.
 *
 * @example
 * ```ts
 * import { Respondent } from '@nanomsg-ts/survey';
 * const respondent = new Respondent();
 * respondent.connect('tcp://127.0.0.1:5558');
 * for await (const question of respondent) await respondent.send('yes');
 * ```
 */
export class Respondent extends ExchangeSocket {
  /**
   * Opens a RESPONDENT socket (`nn_socket(AF_SP, NN_RESPONDENT)`; `raw: true`
   * for `AF_SP_RAW`). With `concurrent: true` it is opened raw and `serve`
   * runs many handlers at once.
   */
  constructor(options?: RespondentOptions) {
    super('NN_RESPONDENT', options);
  }

  /**
   * Answers surveys with `handler` (`nn_recv`, the handler, then `nn_send`
   * of its result; `nn_recvmsg`/`nn_sendmsg` with the survey's SP header on
   * a concurrent socket) until `opts.signal` aborts or the socket closes, then resolves, once the handlers already running have ended.
   * Each response goes back to the `Surveyor` that asked; one that comes
   * after its deadline is dropped there.
   *
   * A cooked `Respondent` runs one handler at a time (`concurrency` 1); one
   * opened with `concurrent: true` runs up to `concurrency` (default 64) at
   * once, and while that many run it receives nothing more. A handler that
   * throws or rejects, or whose result is not a message, sends no response
   * and is reported to `onError` (default: a process warning); serving goes
   * on. While `serve` runs, `send`, `recv` and their variants fail with
   * `'EFSM'`, and so does a second `serve`.
   * @throws (rejects) TypeError, RangeError for bad arguments; `'ETERM'` after `terminate()`
   * @example
   * ```ts
   * const respondent = new Respondent({ concurrent: true });
   * respondent.connect('tcp://127.0.0.1:5558');
   * await respondent.serve(async (question) => (await isFree(String(question)) ? 'yes' : 'no'));
   * ```
   */
  serve(handler: RequestHandler, opts?: ServeOptions): Promise<void> {
    return this.serveRequests(handler, opts);
  }
}
