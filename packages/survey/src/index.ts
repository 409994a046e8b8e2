import {
  NanomsgError,
  Socket,
  defineOptionProperties,
  registerProtocol,
  type Message,
  type SocketOptions,
} from '@nanomsg-ts/core';

export { NanomsgError } from '@nanomsg-ts/core';
export type {
  Endpoint,
  Message,
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
   * long responses to a survey are accepted.
   */
  deadline: number;
}

/** Options of the `Surveyor` constructor. */
export interface SurveyorOptions extends SocketOptions, Partial<SurveyorOptionProperties> {}

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
export class Surveyor extends Socket {
  #current: AbortController | undefined;

  /** Opens a SURVEYOR socket (`nn_socket(AF_SP, NN_SURVEYOR)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SurveyorOptions) {
    super('NN_SURVEYOR', options);
  }

  static {
    defineOptionProperties<SurveyorOptionProperties>(this, {
      deadline: { option: 'NN_SURVEYOR_DEADLINE', type: 'number' },
    });
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
   */
  survey(message: Message, opts?: SurveyOptions): AsyncIterableIterator<Buffer> {
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
      throw new TypeError('options must be an object');
    }
    const signal = opts?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError('signal must be an AbortSignal');
    }
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
export class Respondent extends Socket {
  /** Opens a RESPONDENT socket (`nn_socket(AF_SP, NN_RESPONDENT)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_RESPONDENT', options);
  }
}
