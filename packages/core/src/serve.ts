// Serving requests: receive one, run the handler, send its result back to the
// peer that asked. On a cooked socket one exchange at a time (its library
// keeps only the last request's return path); on a raw one up to
// `concurrency` at once, each reply sent with its request's SP header.
import process from 'node:process';
import { checkMessage, checkObject, checkSignal } from './args.js';
import { NanomsgError } from './errors.js';
import type { Consumer } from './receive-queue.js';
import type { Message, OperationOptions, RawMessage, RawMessageInit } from './types.js';

/** Computes the reply to one request; a throw or rejection sends none (the requester resends). */
export type RequestHandler = (request: Buffer) => Message | PromiseLike<Message>;

/** Options of `serve`. */
export interface ServeOptions {
  /**
   * Most handlers running at once (default 64 on a concurrent, or any raw,
   * socket; a cooked socket runs one, and takes no other value). While that many run,
   * the socket receives nothing more: the library queues, memory stays bounded.
   */
  concurrency?: number;
  /** Stops serving: `serve` resolves once the handlers running have ended. */
  signal?: AbortSignal;
  /**
   * Told of each request that got no reply: its handler threw or rejected,
   * or returned something that is not a message, or the reply could not be
   * sent. Default: a process warning. Serving goes on.
   */
  onError?: (error: unknown, request: Buffer) => void;
}

/** @internal What `serve` uses of its socket: the operations beneath the public ones. */
export interface ServeIo {
  readonly raw: boolean;
  recv(opts: OperationOptions): Promise<Buffer>;
  send(message: Message): Promise<void>;
  sendMessage(message: RawMessageInit): Promise<void>;
  consume(consumer: Consumer | undefined): void;
  isClosed(): boolean;
}

const DEFAULT_CONCURRENCY = 64;

interface Checked {
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  readonly report: (error: unknown, request: Buffer) => void;
}

/** @internal Checks `serve`'s arguments (TypeError, RangeError) for a cooked or a raw socket. */
export function checkServe(
  handler: unknown,
  opts: ServeOptions | undefined,
  raw: boolean,
): Checked {
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  if (opts !== undefined) checkObject(opts, 'options');
  const { concurrency, signal, onError } = opts ?? {};
  checkSignal(signal);
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('onError must be a function');
  }
  let n = raw ? DEFAULT_CONCURRENCY : 1;
  if (concurrency !== undefined) {
    if (typeof concurrency !== 'number') throw new TypeError('concurrency must be a number');
    if (!raw && concurrency !== 1) {
      throw new RangeError(
        `a cooked socket serves one request at a time: concurrency must be 1, not ${concurrency}` +
          ' (open the socket with concurrent: true for more)',
      );
    }
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer of 1 or more, not ${concurrency}`);
    }
    n = concurrency;
  }
  return { concurrency: n, signal, report: onError ?? warn };
}

/** The default `onError`: a process warning, so a failing handler is seen but stops nothing. */
function warn(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.emitWarning(`serve: a request got no reply: ${text}`, 'NanomsgServeWarning');
}

/** Calls the user's `onError`; one that throws is reported as a warning, and serving goes on. */
function tell(report: Checked['report'], error: unknown, request: Buffer): void {
  try {
    report(error, request);
  } catch (thrown) {
    warn(thrown);
  }
}

/** The handler's reply, checked; a handler that throws at once counts as one that rejects. */
function run(handler: RequestHandler, request: Buffer): Message | PromiseLike<Message> {
  try {
    return handler(request);
  } catch (error) {
    return Promise.reject(error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** True for the error a receive or send gets because the socket closed. */
function closedError(io: ServeIo, error: unknown): boolean {
  return io.isClosed() && NanomsgError.isInstance(error) && error.code === 'EBADF';
}

/** @internal Serves one request at a time on a cooked socket: receive, handle, reply. */
export async function serveOneAtATime(
  io: ServeIo,
  handler: RequestHandler,
  { signal, report }: Checked,
): Promise<void> {
  while (!signal?.aborted) {
    let request: Buffer;
    try {
      request = await io.recv({ signal, timeout: -1 });
    } catch (error) {
      if (signal?.aborted || closedError(io, error)) return;
      throw error;
    }
    let reply: Message;
    try {
      reply = checkMessage(await run(handler, request), "the handler's result");
    } catch (error) {
      tell(report, error, request);
      continue;
    }
    try {
      await io.send(reply);
    } catch (error) {
      if (closedError(io, error)) return;
      tell(report, error, request);
    }
  }
}

/**
 * @internal Serves up to `concurrency` requests at once on a raw socket: the
 * socket's consumer takes requests while fewer run, and each reply goes out
 * with its request's header, back along the path the request came.
 */
export function serveConcurrently(
  io: ServeIo,
  handler: RequestHandler,
  { concurrency, signal, report }: Checked,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let stopped = false;
    let failure: { error: unknown } | undefined;
    const finish = (): void => {
      if (!stopped || running > 0) return;
      if (failure === undefined) resolve();
      else reject(failure.error);
    };
    const stop = (error?: unknown): void => {
      if (stopped) return;
      stopped = true;
      signal?.removeEventListener('abort', onAbort);
      io.consume(undefined);
      // Closing is the normal end; anything else (terminate) is the caller's to know.
      if (error !== undefined && !closedError(io, error)) failure = { error };
      finish();
    };
    const onAbort = (): void => stop();
    const done = (): void => {
      running--;
      if (stopped) finish();
      // Room again after being full: read again.
      else if (running === concurrency - 1) io.consume(consumer);
    };
    const failed = (request: Buffer) => (error: unknown) => {
      if (!closedError(io, error)) tell(report, error, request);
      done();
    };
    const reply = (request: RawMessage, result: unknown): void => {
      let body: Message;
      try {
        body = checkMessage(result, "the handler's result");
      } catch (error) {
        failed(request.body)(error);
        return;
      }
      io.sendMessage({ header: request.header, body }).then(done, failed(request.body));
    };
    const consumer: Consumer = {
      room: () => (stopped ? 0 : concurrency - running),
      take: (request) => {
        running++;
        const result = run(handler, request.body);
        if (isThenable(result)) {
          result.then((value) => reply(request, value), failed(request.body));
        } else {
          reply(request, result);
        }
      },
      stop,
    };
    if (signal?.aborted) {
      stopped = true;
      resolve();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    io.consume(consumer);
  });
}
