#!/usr/bin/perl
# A REQ client written with Perl's NanoMsg::Raw, for the interop tests.
#
# usage: perl req.pl bind|connect ADDRESS COUNT NAME
#
# Binds or connects to ADDRESS, prints "ready", then sends COUNT requests one
# after another. Request i is "NAME-i:" followed by the 256 bytes
# (i * 7 + k) % 256 for k = 0 .. 255. For each reply it prints one line:
# "i REQUEST-HEX REPLY-HEX". Exits 0 after the last reply; on an error it
# prints the nanomsg error to stderr and exits 2 when the address is in use,
# 1 otherwise.
use strict;
use warnings;
use NanoMsg::Raw;

$| = 1;
my ($mode, $address, $count, $name) = @ARGV;
die "usage: req.pl bind|connect ADDRESS COUNT NAME\n"
  unless defined $name && ($mode eq 'bind' || $mode eq 'connect') && $count =~ /^\d+$/;
$count = 0 + $count;

sub fail {
    my ($what) = @_;
    my $errno = nn_errno();
    print STDERR "$what: " . nn_strerror($errno) . "\n";
    exit($errno == EADDRINUSE ? 2 : 1);
}

my $s = nn_socket(AF_SP, NN_REQ);
defined $s or fail('nn_socket');
# Option values are numbers: a string would be taken as bytes (EINVAL).
nn_setsockopt($s, NN_SOL_SOCKET, NN_SNDTIMEO, 10000) or fail('nn_setsockopt NN_SNDTIMEO');
nn_setsockopt($s, NN_SOL_SOCKET, NN_RCVTIMEO, 10000) or fail('nn_setsockopt NN_RCVTIMEO');
nn_setsockopt($s, NN_REQ, NN_REQ_RESEND_IVL, 5000) or fail('nn_setsockopt NN_REQ_RESEND_IVL');
my $resend = unpack('i', nn_getsockopt($s, NN_REQ, NN_REQ_RESEND_IVL));
$resend == 5000 or die "NN_REQ_RESEND_IVL reads back $resend\n";

my $eid = $mode eq 'bind' ? nn_bind($s, $address) : nn_connect($s, $address);
defined $eid or fail("nn_$mode $address");
print "ready\n";

for my $i (0 .. $count - 1) {
    my $request = "$name-$i:" . pack('C*', map { ($i * 7 + $_) % 256 } 0 .. 255);
    defined nn_send($s, $request) or fail("nn_send $i");
    defined nn_recv($s, my $reply) or fail("nn_recv $i");
    print join(' ', $i, unpack('H*', $request), unpack('H*', "$reply")), "\n";
}
nn_close($s) or fail('nn_close');
exit 0;
