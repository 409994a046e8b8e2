#!/usr/bin/perl
# A PULL peer written with Perl's NanoMsg::Raw, for the interop tests.
#
# usage: perl pull.pl bind|connect ADDRESS COUNT
#
# Binds or connects to ADDRESS, prints "ready", then receives COUNT messages
# and prints each as one line of hex (an empty message gives an empty line);
# COUNT 0 receives until it is killed (or 10 s pass without a message).
# It accepts messages of any size (NN_RCVMAXSIZE -1). Exits 0 after the last
# one; errors as in InteropPeer.pm.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use NanoMsg::Raw;
use InteropPeer;

my ($mode, $address, $count) = peer_args('pull.pl bind|connect ADDRESS COUNT', 3);
my $s = peer_socket(
    NN_PULL,
    [NN_SOL_SOCKET, 'NN_RCVTIMEO',   10000],
    [NN_SOL_SOCKET, 'NN_RCVMAXSIZE', -1],
);
peer_endpoint($s, $mode, $address);

for (my $i = 1; $count == 0 || $i <= $count; $i++) {
    defined nn_recv($s, my $message) or fail("nn_recv $i");
    print unpack('H*', "$message"), "\n";
}
nn_close($s) or fail('nn_close');
exit 0;
