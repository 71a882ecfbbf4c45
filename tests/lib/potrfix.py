"""Make Debian's python3-potr work with pycryptodome (import for effect).

Debian's potr (1.0.2) was written for PyCrypto; its compatcrypto/pycrypto.py
imports Cryptodome but keeps PyCrypto calls that pycryptodome dropped, so no
AKE can finish:
  - DSAKey.generate reads privkey.key.y  -> AttributeError: key
  - DSAKey.sign / verify call DsaKey.sign / verify -> NotImplementedError
  - AESCTR passes a callable counter to AES.new(MODE_CTR) -> TypeError

This module replaces those three spots with PyCrypto's old semantics, which
are what libotr speaks:
  - DSA signs the 32-byte SHA256-HMAC as one big integer, WITHOUT truncating
    it to the bit length of q (r, s each 20 bytes, big endian);
  - AES-CTR counter blocks are an 8-byte prefix (potr's Counter.prefix)
    followed by an 8-byte block counter starting at Counter.val (0).

Importing it twice is harmless. After import, `potr` is ready to use.
"""

import potr
import potr.crypt
import potr.compatcrypto
from potr.compatcrypto import pycrypto as _pc
from potr.utils import bytes_to_long, long_to_bytes
from Cryptodome.Cipher import AES
from Cryptodome.PublicKey import DSA

if not getattr(potr, "_secours_patched", False):

    def _generate(cls):
        k = DSA.generate(1024)
        return cls((int(k.y), int(k.g), int(k.p), int(k.q), int(k.x)),
                   private=True)

    def _sign(self, data):
        q = int(self.priv.q)
        k = _pc.randrange(2, q)         # 2 <= k < q, as PyCrypto's callers did
        r, s = self.priv._sign(bytes_to_long(data), k)
        return long_to_bytes(int(r), 20) + long_to_bytes(int(s), 20)

    def _verify(self, data, sig):
        if len(sig) != 40:
            return False
        r, s = bytes_to_long(sig[:20]), bytes_to_long(sig[20:])
        return bool(self.pub._verify(bytes_to_long(data), (r, s)))

    def _aesctr(key, counter=0):
        if isinstance(counter, int):
            counter = _pc.Counter(counter)
        if not isinstance(counter, _pc.Counter):
            raise TypeError("counter must be a potr Counter")
        return AES.new(key, AES.MODE_CTR, nonce=counter.byteprefix(),
                       initial_value=counter.val)

    _pc.DSAKey.generate = classmethod(_generate)
    _pc.DSAKey.sign = _sign
    _pc.DSAKey.verify = _verify
    # crypt.py bound AESCTR by name at import: patch every binding.
    _pc.AESCTR = _aesctr
    potr.compatcrypto.AESCTR = _aesctr
    potr.crypt.AESCTR = _aesctr
    potr._secours_patched = True


def selftest():
    """Quick check that keygen, sign/verify and AES-CTR work (~0.1-0.6 s)."""
    key = potr.compatcrypto.generateDefaultKey()
    msg = bytes(range(32))
    sig = key.sign(msg)
    assert key.verify(msg, sig), "DSA verify of own signature failed"
    assert not key.verify(msg[:-1] + b"x", sig), "DSA verify accepted a bad MAC"
    pub, _ = potr.crypt.PK.parsePublicKey(key.serializePublicKey())
    assert pub.verify(msg, sig)
    c = _pc.Counter(5)
    ct = potr.crypt.AESCTR(b"k" * 16, c).encrypt(b"x" * 40)
    assert potr.crypt.AESCTR(b"k" * 16, _pc.Counter(5)).decrypt(ct) == b"x" * 40
    # block 0 with prefix 5 = AES-ECB(00..05 00..00)
    ecb = AES.new(b"k" * 16, AES.MODE_ECB).encrypt(long_to_bytes(5, 8) + bytes(8))
    assert bytes(a ^ b for a, b in zip(ecb, b"x" * 16)) == ct[:16]
    return True


if __name__ == "__main__":
    print("ok" if selftest() else "broken")
