// @nanomsg-ts/web: nanomsg's scalability protocols for browsers, over the
// WebSocket transport of libnanomsg. Each class is its own module, so a page
// that imports one protocol bundles no other.
export { Bus } from './bus.js';
export { NanomsgError, type ErrorCode } from './errors.js';
export type { Message } from './message.js';
export type { SocketOptions, WaitOptions } from './options.js';
export { Pair } from './pair.js';
export { Pub } from './pub.js';
export { Pull } from './pull.js';
export { Push } from './push.js';
export { Rep } from './rep.js';
export { Req, type ReqOptions } from './req.js';
export { Respondent } from './respondent.js';
export type { Handler, ServeOptions } from './responder.js';
export { SocketBase, type Statistics } from './socket.js';
export { Sub, type SubOptions } from './sub.js';
export { Surveyor, type SurveyOptions, type SurveyorOptions } from './surveyor.js';
