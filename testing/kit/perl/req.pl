#!/usr/bin/perl
# A REQ client written with Perl's NanoMsg::Raw, for the interop tests.
#
# usage: perl req.pl bind|connect ADDRESS COUNT NAME
#
# Binds or connects to ADDRESS, prints "ready", then sends COUNT requests one
# after another. Request i is "NAME-i:" followed by the 256 bytes
# (i * 7 + k) % 256 for k = 0 .. 255. For each reply it prints one line:
# "i REQUEST-HEX REPLY-HEX". Exits 0 after the last reply; errors as in
# InteropPeer.pm.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use NanoMsg::Raw;
use InteropPeer;

my ($mode, $address, $count, $name) = peer_args('req.pl bind|connect ADDRESS COUNT NAME', 4);
my $s = peer_socket(
    NN_REQ,
    [NN_SOL_SOCKET, 'NN_SNDTIMEO',       10000],
    [NN_SOL_SOCKET, 'NN_RCVTIMEO',       10000],
    [NN_REQ,        'NN_REQ_RESEND_IVL', 5000],
);
my $resend = unpack('i', nn_getsockopt($s, NN_REQ, NN_REQ_RESEND_IVL));
$resend == 5000 or die "NN_REQ_RESEND_IVL reads back $resend\n";
peer_endpoint($s, $mode, $address);

for my $i (0 .. $count - 1) {
    my $request = "$name-$i:" . pack('C*', map { ($i * 7 + $_) % 256 } 0 .. 255);
    defined nn_send($s, $request) or fail("nn_send $i");
    defined nn_recv($s, my $reply) or fail("nn_recv $i");
    print join(' ', $i, unpack('H*', $request), unpack('H*', "$reply")), "\n";
}
nn_close($s) or fail('nn_close');
exit 0;
