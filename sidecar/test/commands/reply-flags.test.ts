import assert from 'node:assert/strict';
import {
  REPLY_OFF, REPLY_ON, REPLY_SKIP, REPLY_SKIP_NEXT, replyDropped, replyFlagsAfterCommand,
} from '../../src/commands/reply-flags.js';
import { bulk, error, OK, type Reply } from '../../src/resp/reply.js';

const MESSAGE: Reply = { kind: 'push', items: [bulk('message'), bulk('ch'), bulk('m')] };

describe('CLIENT REPLY flags', () => {
  it('OFF and SKIP drop replies and errors, never pub/sub pushes', () => {
    for (const flags of [REPLY_OFF, REPLY_SKIP, REPLY_OFF | REPLY_SKIP]) {
      assert.equal(replyDropped(flags, OK), true);
      assert.equal(replyDropped(flags, error('ERR syntax error')), true);
      assert.equal(replyDropped(flags, MESSAGE), false);
    }
    assert.equal(replyDropped(REPLY_ON, OK), false);
    assert.equal(replyDropped(REPLY_SKIP_NEXT, OK), false, 'SKIP_NEXT is for the next command');
  });

  it('a command\'s end uses up SKIP and turns SKIP_NEXT into SKIP, leaving OFF alone (resetClient)', () => {
    assert.equal(replyFlagsAfterCommand(REPLY_ON), REPLY_ON);
    assert.equal(replyFlagsAfterCommand(REPLY_SKIP | REPLY_SKIP_NEXT), REPLY_SKIP);
    assert.equal(replyFlagsAfterCommand(REPLY_SKIP), REPLY_ON);
    assert.equal(replyFlagsAfterCommand(REPLY_OFF | REPLY_SKIP), REPLY_OFF);
    assert.equal(replyFlagsAfterCommand(REPLY_OFF | REPLY_SKIP_NEXT), REPLY_OFF | REPLY_SKIP);
  });
});
