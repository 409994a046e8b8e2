// Run-time side of the type narrowing in @nanomsg-ts/survey: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
import { describeNarrowing } from '@nanomsg-ts/testkit';

describeNarrowing({
  duplex: [
    ['Surveyor', Surveyor],
    ['Respondent', Respondent],
  ],
});
