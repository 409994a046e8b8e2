#!/usr/bin/perl
# A PULL peer written with Perl's NanoMsg::Raw, for the interop tests.
#
# usage: perl pull.pl bind|connect ADDRESS COUNT
#
# Binds or connects to ADDRESS, prints "ready", then receives COUNT messages
# and prints each as one line of hex (an empty message gives an empty line);
# COUNT 0 receives until it is killed (or 10 s pass without a message).
# It accepts messages of any size (NN_RCVMAXSIZE -1). Exits 0 after the last
# one; on an error it prints the nanomsg error to stderr and exits 2 when the
# address is in use, 1 otherwise.
use strict;
use warnings;
use NanoMsg::Raw;

$| = 1;
my ($mode, $address, $count) = @ARGV;
die "usage: pull.pl bind|connect ADDRESS COUNT\n"
  unless defined $count && ($mode eq 'bind' || $mode eq 'connect') && $count =~ /^\d+$/;
$count = 0 + $count;

sub fail {
    my ($what) = @_;
    my $errno = nn_errno();
    print STDERR "$what: " . nn_strerror($errno) . "\n";
    exit($errno == EADDRINUSE ? 2 : 1);
}

my $s = nn_socket(AF_SP, NN_PULL);
defined $s or fail('nn_socket');
# Option values are numbers: a string would be taken as bytes (EINVAL).
nn_setsockopt($s, NN_SOL_SOCKET, NN_RCVTIMEO, 10000) or fail('nn_setsockopt NN_RCVTIMEO');
nn_setsockopt($s, NN_SOL_SOCKET, NN_RCVMAXSIZE, -1) or fail('nn_setsockopt NN_RCVMAXSIZE');

my $eid = $mode eq 'bind' ? nn_bind($s, $address) : nn_connect($s, $address);
defined $eid or fail("nn_$mode $address");
print "ready\n";

for (my $i = 1; $count == 0 || $i <= $count; $i++) {
    defined nn_recv($s, my $message) or fail("nn_recv $i");
    print unpack('H*', "$message"), "\n";
}
nn_close($s) or fail('nn_close');
exit 0;
