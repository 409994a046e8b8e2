// Run-time side of the type narrowing in @nanomsg-ts/reqrep: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { describeNarrowing } from '@nanomsg-ts/testkit';

describeNarrowing({
  duplex: [
    ['Req', Req],
    ['Rep', Rep],
  ],
});
