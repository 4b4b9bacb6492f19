import { BLOCKED, type Client, type CommandSink } from '../../src/commands/client.js';
import { OK, PONG, array, bulk, error, integer, type Reply } from '../../src/resp/reply.js';

/**
 * A tiny CommandSink for network tests: PING, ECHO, QUIT, HELLO, AUTH, KILL (closes
 * its own connection), ARGC, ARGS, BLOCK (returns BLOCKED; `unblockAll` answers), PUSH (an
 * out-of-band push to itself), BIG n (an n-byte bulk). Records every call.
 */
export class EchoSink implements CommandSink {
  readonly executed: string[][] = [];
  readonly blocked: Client[] = [];
  readonly connectedIds: number[] = [];
  readonly disconnectedIds: number[] = [];
  releases = 0;
  /** When set, `release` keeps the flush for the test to call. */
  holdFlushes = false;
  readonly heldFlushes: (() => void)[] = [];

  execute(client: Client, args: Buffer[]): Reply | typeof BLOCKED {
    const words = args.map((a) => a.toString('latin1'));
    this.executed.push(words);
    const name = (words[0] ?? '').toLowerCase();
    switch (name) {
      case 'ping': return words.length > 1 ? bulk(args[1] ?? '') : PONG;
      case 'echo': return args.length === 2 ? bulk(args[1] ?? '') : error(`ERR wrong number of arguments for 'echo' command`);
      case 'quit': client.closeAfterReply(); return OK;
      case 'hello': client.protocol = words[1] === '3' ? 3 : 2; return OK;
      case 'auth': client.authenticated = true; return OK;
      case 'block': this.blocked.push(client); return BLOCKED;
      case 'kill': client.close(); return OK;
      case 'push': client.push({ kind: 'push', items: [bulk('message'), bulk(words[1] ?? '')] }); return OK;
      case 'big': return bulk(Buffer.alloc(Number(words[1]), 120));
      case 'argc': return integer(args.length);
      case 'args': return array(args.map((a) => bulk(a)));
      default: return error(`ERR unknown command '${words[0] ?? ''}'`);
    }
  }

  release(flush: () => void): void {
    this.releases++;
    if (this.holdFlushes) this.heldFlushes.push(flush);
    else flush();
  }

  connected(client: Client): void {
    this.connectedIds.push(client.id);
  }

  disconnected(client: Client): void {
    this.disconnectedIds.push(client.id);
  }

  unblockAll(reply: Reply): void {
    for (const c of this.blocked.splice(0)) c.unblock(reply);
  }
}
