#!/bin/sh
# Installs what secours needs to build, run its tests and its demo on Debian 12.
# Idempotent: does nothing when everything is already there. Needs root.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libstrophe-dev libotr5-dev libyaml-dev libcmark-dev libstemmer-dev
libunistring-dev libsqlite3-dev libgcrypt20-dev libssl-dev
prosody lua-unbound openssl python3-potr python3-slixmpp python3-pycryptodome
profanity tmux tzdata ca-certificates
debhelper lintian libsystemd-dev
pidgin pidgin-otr xvfb xdotool dbus-daemon python3-dbus python3-gi"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "secours: missing packages:$missing" >&2
	echo "secours: run this script as root (or: sudo $0)" >&2
	exit 1
fi
echo "secours: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Prosody's package starts a system service where an init system runs; the
# tests start their own private Prosody, so keep the system one from starting.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.secours
if [ ! -e /usr/sbin/policy-rc.d ]; then
	cp /usr/sbin/policy-rc.d.secours /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
rm -f /usr/sbin/policy-rc.d.secours
apt-get install -y -qq --no-install-recommends $missing >/dev/null
