// Every method Node's HTTP parser accepts. Go routes any method to a handler, which then answers
// 405 for one it does not serve, so routes take them all and refuse in the handler.
import { METHODS } from 'node:http';

/** CONNECT never reaches a route: Node hands it to the server's 'connect' event. */
export const ANY_METHOD: readonly string[] = METHODS.filter((m) => m !== 'CONNECT');
