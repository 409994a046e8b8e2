#!/usr/bin/perl
# A REP server written with Perl's NanoMsg::Raw, for the interop tests.
#
# usage: perl rep.pl bind|connect ADDRESS COUNT NAME
#
# Binds or connects to ADDRESS, prints "ready", then answers COUNT requests,
# one at a time (a cooked REP): for each it prints the request as one line of
# hex, then replies "NAME:" followed by the request's bytes. Exits 0 after the
# last reply; errors as in InteropPeer.pm.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use NanoMsg::Raw;
use InteropPeer;

my ($mode, $address, $count, $name) = peer_args('rep.pl bind|connect ADDRESS COUNT NAME', 4);
my $s = peer_socket(
    NN_REP,
    [NN_SOL_SOCKET, 'NN_SNDTIMEO', 10000],
    [NN_SOL_SOCKET, 'NN_RCVTIMEO', 10000],
);
peer_endpoint($s, $mode, $address);

for my $i (1 .. $count) {
    defined nn_recv($s, my $request) or fail("nn_recv $i");
    print unpack('H*', "$request"), "\n";
    defined nn_send($s, "$name:" . "$request") or fail("nn_send $i");
}
# Let the last reply leave before the socket goes (nn_close drops what is queued).
select(undef, undef, undef, 0.2);
nn_close($s) or fail('nn_close');
exit 0;
