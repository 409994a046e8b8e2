// Run-time side of the type narrowing in @nanomsg-ts/bus: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { Bus } from '@nanomsg-ts/bus';
import { describeNarrowing } from '@nanomsg-ts/testkit';

describeNarrowing({ duplex: [['Bus', Bus]] });
