// Run-time side of the type narrowing in @nanomsg-ts/pair: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { Pair } from '@nanomsg-ts/pair';
import { describeNarrowing } from '@nanomsg-ts/testkit';

describeNarrowing({ duplex: [['Pair', Pair]] });
