"""The libotr peer (tests/e2e/otrpeer, C) driven over its stdio.

Commands and answers are one line each, arguments in hex: "S text" sends,
"R body" receives a body from the wire, "A secret" / "Q question secret"
answer or start SMP, "F" / "T" ask for the fingerprints, "Z" flushes.
Answers: "I body" a body libotr injects, "M text" a decrypted message,
"F fp" / "T fp" the fingerprints, "E event" anything else, "Z" the end of
a flush.

    peer = OtrPeer(OTRPEER, keyfile, instagfile)
    peer.cmd("S", "hello")
    bodies = peer.sync()     # what libotr wants on the wire
"""

import subprocess


class OtrPeer:
    """The libotr child: got (decrypted texts), events, fps ("F", "T")."""

    def __init__(self, program, keyfile, instagfile):
        self.p = subprocess.Popen([program, keyfile, instagfile],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert self.p.stdout.readline().strip() == "E ready"
        self.got = []
        self.events = []
        self.fps = {}

    def cmd(self, tag, *args):
        self.p.stdin.write(" ".join([tag] + [a.encode().hex()
                                             for a in args]) + "\n")

    def sync(self):
        """Flushes the commands; returns the bodies libotr injected."""
        self.p.stdin.write("Z\n")
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise AssertionError("otrpeer died")
            tag, _, rest = line.rstrip("\n").partition(" ")
            if tag == "Z":
                return out
            if tag == "I":
                out.append(bytes.fromhex(rest).decode())
            elif tag == "M":
                self.got.append(bytes.fromhex(rest).decode())
            elif tag in ("F", "T"):
                self.fps[tag] = rest
            else:
                self.events.append(rest)

    def close(self):
        self.p.stdin.close()
        self.p.wait(5)
