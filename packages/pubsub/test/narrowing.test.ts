// Run-time side of the type narrowing in @nanomsg-ts/pubsub: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { Pub, Sub } from '@nanomsg-ts/pubsub';
import { describeNarrowing } from '@nanomsg-ts/testkit';

describeNarrowing({
  sender: { name: 'Pub', Class: Pub, alsoLacks: ['subscribe'], misuse: ['recv'] },
  receiver: {
    name: 'Sub',
    Class: Sub,
    alsoHas: ['subscribe', 'unsubscribe'],
    misuse: ['send', 'x'],
  },
  checkInstances: true,
});
