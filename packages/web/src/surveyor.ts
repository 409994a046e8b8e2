// SURVEYOR: a survey goes to every connected RESPONDENT server, with its own
// id (ids.ts) as the SP header; answers carrying that id are gathered until
// the survey's deadline. Many surveys may run at once, each with its own
// deadline, each yielding only its own answers.
import type { Connection } from './connection.js';
import { NanomsgError } from './errors.js';
import { idOf, Ids, withId } from './ids.js';
import { toBytes, type Message } from './message.js';
import { checkInteger, timeoutOf, type SocketOptions, type WaitOptions } from './options.js';
import { ReceiveQueue } from './receive-queue.js';
import { SocketBase } from './socket.js';

/** `new Surveyor(options)`. */
export interface SurveyorOptions extends SocketOptions {
  /** Milliseconds a survey gathers answers (default 1000, as NN_SURVEYOR_DEADLINE). */
  deadline?: number;
}

/** `survey(message, options)`. */
export interface SurveyOptions {
  /** Milliseconds this survey gathers answers (default: the socket's `deadline`). */
  deadline?: number;
  /** Aborting it ends the survey: the iteration throws the signal's reason. */
  signal?: AbortSignal;
}

interface Survey {
  readonly id: number;
  readonly answers: ReceiveQueue<Uint8Array>;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** A SURVEYOR socket: `connect` to libnanomsg RESPONDENT ws addresses, then `survey` (or `send` then `recv`). */
export class Surveyor extends SocketBase {
  #deadline: number;
  readonly #ids = new Ids();
  readonly #surveys = new Map<number, Survey>();
  /** The survey of the last cooked `send`, that `recv` reads. */
  #current: Survey | undefined;

  constructor(options?: SurveyorOptions) {
    super('respondent.sp.nanomsg.org', options);
    this.#deadline = checkInteger(options?.deadline ?? 1000, 'deadline', 0);
  }

  /** Milliseconds a survey gathers answers. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Sets it (an integer of milliseconds, from 0). */
  set deadline(value: number) {
    this.#deadline = checkInteger(value, 'deadline', 0);
  }

  /**
   * Sends `message` to every connected respondent and yields their answers
   * until the deadline; `break` ends the survey early. Surveys may overlap.
   */
  survey(message: Message, options: SurveyOptions = {}): AsyncIterableIterator<Uint8Array> {
    const bytes = toBytes(message);
    const deadline = checkInteger(options.deadline ?? this.#deadline, 'deadline', 0);
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError('signal must be an AbortSignal');
    this.checkOpen('nn_send');
    const survey = this.#start(bytes, deadline);
    return this.#answers(survey, signal);
  }

  /** Starts a survey whose answers `recv` returns (a cooked SURVEYOR: a new `send` ends the one before). */
  async send(message: Message, _options?: WaitOptions): Promise<void> {
    const bytes = toBytes(message);
    this.checkOpen('nn_send');
    if (this.#current !== undefined) this.#end(this.#current);
    this.#current = this.#start(bytes, this.#deadline);
  }

  /** The next answer to the last `send`; `'ETIMEDOUT'` once its deadline passed, `'EFSM'` without a survey. */
  async recv(options?: WaitOptions): Promise<Uint8Array> {
    const timeout = timeoutOf(options, this.options.receiveTimeout);
    this.checkOpen('nn_recv');
    const survey = this.#current;
    if (survey === undefined)
      throw new NanomsgError('EFSM', 'nn_recv', 'no survey running (send first)');
    return survey.answers.take(timeout, options?.signal, 'nn_recv');
  }

  async *#answers(
    survey: Survey,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for (;;) {
        let answer: Uint8Array;
        try {
          answer = await survey.answers.take(-1, signal, 'nn_recv');
        } catch (error) {
          // The deadline ends the iteration; so does closing the socket.
          if (
            error instanceof NanomsgError &&
            (error.code === 'ETIMEDOUT' || error.code === 'EBADF')
          )
            return;
          throw error;
        }
        yield answer;
      }
    } finally {
      this.#end(survey);
    }
  }

  #start(body: Uint8Array, deadline: number): Survey {
    const id = this.#ids.take();
    const survey: Survey = {
      id,
      answers: new ReceiveQueue(this.options.receiveBufferSize),
      timer: setTimeout(() => this.#end(survey), deadline),
    };
    this.#surveys.set(id, survey);
    this.sendAll(withId(id, body));
    return survey;
  }

  /**
   * Ends `survey`: later answers are dropped; its readers get the answers that
   * came in time, then `'ETIMEDOUT'` (or, on close, `reason` at once).
   */
  #end(survey: Survey, reason?: NanomsgError): void {
    if (!this.#surveys.delete(survey.id)) return;
    clearTimeout(survey.timer);
    if (reason !== undefined) survey.answers.close(reason);
    else
      survey.answers.close(
        new NanomsgError('ETIMEDOUT', 'nn_recv', 'the survey deadline passed'),
        true,
      );
  }

  /** @internal */
  protected override received(_from: Connection, data: Uint8Array): void {
    const id = idOf(data);
    const survey = id === undefined ? undefined : this.#surveys.get(id);
    if (survey === undefined) return; // late, or not ours
    const answer = data.subarray(4);
    if (!survey.answers.push(answer, answer.byteLength)) this.countDropped();
  }

  /** @internal */
  protected override closing(reason: NanomsgError): void {
    for (const survey of [...this.#surveys.values()]) this.#end(survey, reason);
    this.#current = undefined;
  }
}
