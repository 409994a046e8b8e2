package InteropPeer;
# What the Perl peers of the interop tests (pull.pl, req.pl, rep.pl) share: their
# arguments, how they fail, the socket with its options, and the endpoint.
#
# Every script takes MODE ADDRESS COUNT first: MODE is bind or connect. On an
# error a script prints the nanomsg error to stderr and exits 2 when the
# address is in use, 1 otherwise.
use strict;
use warnings;
use Exporter 'import';
use NanoMsg::Raw;

our @EXPORT = qw(peer_args fail peer_socket peer_endpoint);

$| = 1;

# (MODE, ADDRESS, COUNT, REST...) from @ARGV, which must hold at least
# NARGS arguments; dies with "usage: USAGE" otherwise.
sub peer_args {
    my ($usage, $nargs) = @_;
    my ($mode, $address, $count, @rest) = @ARGV;
    die "usage: $usage\n"
      unless @ARGV >= $nargs && ($mode eq 'bind' || $mode eq 'connect') && $count =~ /^\d+$/;
    return ($mode, $address, 0 + $count, @rest);
}

sub fail {
    my ($what) = @_;
    my $errno = nn_errno();
    print STDERR "$what: " . nn_strerror($errno) . "\n";
    exit($errno == EADDRINUSE ? 2 : 1);
}

# A PROTOCOL socket with OPTIONS set, each [LEVEL, 'NN_NAME', VALUE].
# Option values are numbers: a string would be taken as bytes (EINVAL).
sub peer_socket {
    my ($protocol, @options) = @_;
    my $s = nn_socket(AF_SP, $protocol);
    defined $s or fail('nn_socket');
    for my $option (@options) {
        my ($level, $name, $value) = @$option;
        my $code = NanoMsg::Raw->can($name) or die "no nanomsg option $name\n";
        nn_setsockopt($s, $level, $code->(), $value) or fail("nn_setsockopt $name");
    }
    return $s;
}

# Binds or connects (MODE) socket S to ADDRESS, then prints "ready".
sub peer_endpoint {
    my ($s, $mode, $address) = @_;
    my $eid = $mode eq 'bind' ? nn_bind($s, $address) : nn_connect($s, $address);
    defined $eid or fail("nn_$mode $address");
    print "ready\n";
}

1;
