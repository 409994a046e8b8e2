// Type-level tests of @nanomsg-ts/core: the protocol names a Socket offers,
// and getOption's result per option name.
import { describe, expectTypeOf, test } from 'vitest';
import { Socket, type OptionTypes, type ProtocolName, type SocketBase } from '@nanomsg-ts/core';

declare const sock: Socket;
declare const base: SocketBase;

describe('Socket', () => {
  test('protocol: the known names are offered, any other string still accepted', () => {
    type Parameter = ConstructorParameters<typeof Socket>[0];
    /** The literal members of a string type: what an editor completes. */
    type Literals<T> = T extends string ? (string extends T ? never : T) : never;
    expectTypeOf<Parameter>().toEqualTypeOf<ProtocolName>();
    expectTypeOf<Literals<Parameter>>().toEqualTypeOf<
      | 'NN_PAIR'
      | 'NN_PUB'
      | 'NN_SUB'
      | 'NN_REQ'
      | 'NN_REP'
      | 'NN_PUSH'
      | 'NN_PULL'
      | 'NN_SURVEYOR'
      | 'NN_RESPONDENT'
      | 'NN_BUS'
    >();
    // A protocol of a later library still type-checks.
    expectTypeOf(Socket).toBeConstructibleWith('NN_SOME_LATER_PROTOCOL');
    // @ts-expect-error a protocol is named by a string
    void new Socket(16);
  });

  test('getOption: typed by the option name, the union for other names', () => {
    expectTypeOf(sock.getOption('NN_SNDBUF')).toEqualTypeOf<number>();
    expectTypeOf(sock.getOption('NN_RCVTIMEO', 'NN_SOL_SOCKET')).toEqualTypeOf<number>();
    expectTypeOf(sock.getOption('NN_IPV4ONLY')).toEqualTypeOf<boolean>();
    expectTypeOf(sock.getOption('NN_SOCKET_NAME')).toEqualTypeOf<string>();
    expectTypeOf(sock.getOption('NN_TCP_NODELAY')).toEqualTypeOf<boolean>();
    expectTypeOf(base.getOption('NN_MAXTTL')).toEqualTypeOf<number>();
    expectTypeOf(sock.getOption('NN_SOME_LATER_OPTION')).toEqualTypeOf<number | boolean | string>();
    expectTypeOf<OptionTypes['NN_WS_MSG_TYPE']>().toEqualTypeOf<number>();
  });
});
