// Run-time side of the type narrowing in @nanomsg-ts/pipeline: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { Pull, Push } from '@nanomsg-ts/pipeline';
import { describeNarrowing } from '@nanomsg-ts/testkit';

describeNarrowing({
  sender: { name: 'Push', Class: Push, misuse: ['tryRecv'] },
  receiver: { name: 'Pull', Class: Pull, misuse: ['trySend', 'x'] },
});
