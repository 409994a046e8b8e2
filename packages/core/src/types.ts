// The shapes the public API takes and gives, shared by every socket class.
import type { RawMessage } from '@nanomsg-ts/native';

/** A message with its SP header, as `recvMessage` gives it (declared by the addon, which makes it). */
export type { RawMessage };

/** A message to send: strings go out as UTF-8, bytes as they are. */
export type Message = string | ArrayBufferView | ArrayBuffer;

/** A message with its SP header, for `sendMessage`. */
export interface RawMessageInit {
  /** The body: strings go out as UTF-8, bytes as they are. */
  body: Message;
  /** The SP header bytes, normally those `recvMessage` gave for the request being answered. */
  header: ArrayBufferView | ArrayBuffer;
}

/** Options of one `send` or `recv`. */
export interface OperationOptions {
  /**
   * Milliseconds to wait, an integer; `-1` waits without limit, `0` only
   * takes what is ready now. Defaults to the socket's `sendTimeout` /
   * `receiveTimeout`. On expiry the promise rejects with code `'ETIMEDOUT'`.
   */
  timeout?: number;
  /**
   * Cancels the wait: the promise rejects with `signal.reason`. A message not
   * yet handed to this caller stays queued for the next one.
   */
  signal?: AbortSignal;
}

/** An endpoint made by `bind` or `connect` (`nn_bind` / `nn_connect`). */
export interface Endpoint {
  /** The endpoint id that the library returned. */
  readonly id: number;
  /** The address it was made with. */
  readonly address: string;
  /** Removes the endpoint (`nn_shutdown`). */
  shutdown(): void;
}

/**
 * A protocol's nanomsg name: those of libnanomsg 1.1 are offered for the
 * editor's completion, and any other string is accepted (and looked up at
 * run time), for protocols a later library adds. A type only: core's code
 * knows no protocol by name (protocol packages declare what core needs, see
 * `registerProtocol`).
 */
export type ProtocolName =
  | `NN_${'PAIR' | 'PUB' | 'SUB' | 'REQ' | 'REP' | 'PUSH' | 'PULL' | 'SURVEYOR' | 'RESPONDENT' | 'BUS'}`
  // `string & {}` rather than `string`, which would swallow the names above
  // and with them the editor's completion.
  | (string & {});
