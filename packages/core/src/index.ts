export { NanomsgError } from './errors.js';
export {
  symbols,
  symbol,
  nnError as nanomsgError,
  version,
  features,
  type SymbolInfo,
  type SymbolType,
  type SymbolUnit,
  type Version,
} from './symbols.js';
export type { OptionRange, OptionTypes, OptionValue } from './options.js';
export {
  checkOperationOptions,
  checkMessage,
  copyMessage,
  type CheckedOperationOptions,
} from './args.js';
export type {
  Endpoint,
  Message,
  OperationOptions,
  ProtocolName,
  RawMessage,
  RawMessageInit,
} from './types.js';
export { SocketBase } from './base.js';
export { Socket } from './socket.js';
export { ExchangeSocket, type ExchangeSocketOptions } from './exchange-socket.js';
export { Exchange, type Exchanges } from './exchanges.js';
export type { Consumer } from './receive-queue.js';
export type { RequestHandler, ServeOptions } from './serve.js';
export {
  defineOptionProperties,
  type OptionProperty,
  type OptionTable,
  type SocketOptions,
  type SocketOptionProperties,
} from './option-properties.js';
export { registerProtocol, type ProtocolBehaviour } from './protocols.js';
export { SendingSocket, ReceivingSocket } from './directional.js';
export { poll, type PollEntry, type PollResult } from './poll.js';
export { device } from './device.js';
export { terminate } from './terminate.js';
