#!/bin/sh
# Load benchmark of the secours daemon (issue 13); see docs/performance.md.
#   bench/run-load.sh --short          about 2.5 minutes, 100 sessions,
#                                      every scenario (memory waits 60 s)
#   bench/run-load.sh [run_load.py options]   e.g. --stages 100,1000,5000
# BUILDDIR: where secours and bench/loadgen were built (default: the tree
# this script is in). Everything runs on 127.0.0.1 and is stopped by PID.
# BENCH_NICE (default 10): added to the niceness this script starts with;
# every process of the run inherits it (the generator --gen-nice more).
# With the kernel's autogroups off, BENCH_NICE=-10 (as root) gives the
# bench the cores before the others' nice-10 builds and tests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$here")}
BUILDDIR=${BUILDDIR:-$TOP_SRCDIR}
SECOURS=${SECOURS:-$BUILDDIR/secours}
export TOP_SRCDIR BUILDDIR SECOURS
if [ "${1:-}" = "--short" ]; then
	shift
	set -- --stages 100 --ask-secs 8 --flood-victims 100 --flood-secs 6 \
	    --churn-gone 300 --strangers 40 --idle-secs 3 \
	    --floor-handshakes 100 --floor-answers 300 --restart-timeout 60 "$@"
fi
exec nice -n "${BENCH_NICE:-10}" /usr/bin/python3 "$here/run_load.py" "$@"
