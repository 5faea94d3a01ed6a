#!/usr/bin/python3
"""skread: an independent reader of storykiosk's formats, written from
docs/bundle-format.md alone (no C code consulted), to show that the page is
enough to implement them. Python 3's standard library (hashlib's BLAKE2b,
struct, json) and PyNaCl (Debian's python3-nacl) for X25519, XSalsa20,
XChaCha20-Poly1305, Ed25519, Ed25519ph and Argon2id.

    skread.py key FILE [--passphrase-env VAR]   kind, ids, (opened) keys
    skread.py bundle FILE [--hub-pub F] [--hub-key F --passphrase-env VAR]
                                                "ok N" or the reader's message;
                                                with a hub key: every story
                                                opened and checked, then
                                                "ok N" or "record N: ..."
    skread.py stories FILE --hub-key F --passphrase-env VAR
                                                one JSON payload per line
    skread.py seal FILE --story-id HEX (--box-secret HEX | --hub-key F ...)
                                                the payload, as bytes
    skread.py receipt FILE --hub-pub F [--kiosk ID] [--bundle F]
                                                "ok" and its fields, or why not

Exit status 0 when the thing read is accepted, 1 when it is refused (the
message on standard output), 2 on bad usage.
"""
import argparse
import base64
import hashlib
import json
import os
import struct
import sys

import nacl.bindings as nb
import nacl.exceptions


class Refused(Exception):
    pass


def blake2b_128(data):
    return hashlib.blake2b(data, digest_size=16).digest()


def kiosk_id(sign_pk):
    return blake2b_128(b"storykiosk kiosk id\x00" + sign_pk)[:8]


def hub_id(box_pk, sign_pk):
    return blake2b_128(b"storyhub key id\x00" + box_pk + sign_pk)[:8]


def fingerprint(kid):
    h = kid.hex().upper()
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


# --- key files -------------------------------------------------------------

TAGS = {
    "storyhub-pub-v": ("a hub public key (hub.pub)", 80),
    "storyhub-key-v": ("a hub secret key (hub.key)", 200),
    "storykiosk-id-v": ("a kiosk identity", 96),
}


def key_lines(path, want_tag):
    """The binary forms of the key lines of path whose tag is want_tag."""
    what, size = TAGS[want_tag]
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        line = line.lstrip(" \t")
        if line == "" or line.startswith("#"):
            continue
        if not line.startswith(want_tag):
            for tag, (kind, _) in TAGS.items():
                if line.startswith(tag):
                    raise Refused("%s:%d: this is %s, not %s" % (path, lineno, kind, what))
            raise Refused("%s:%d: not %s file" % (path, lineno, what))
        rest = line[len(want_tag):]
        if not rest.startswith("1 "):
            raise Refused("%s:%d: unknown key file version" % (path, lineno))
        raw = base64.b64decode(rest[2:].replace(" ", ""), validate=True)
        if len(raw) != size:
            raise Refused("%s:%d: damaged key file (truncated)" % (path, lineno))
        out.append(raw)
    return out


def hub_pubs(path):
    """[(id, box_pk, sign_pk)] of a hub.pub."""
    keys = []
    for raw in key_lines(path, "storyhub-pub-v"):
        if raw[0:4] != b"SKHP" or raw[4] != 1:
            raise Refused("%s: damaged hub public key (bad magic)" % path)
        if raw[5] != 1 or raw[6] != 1:
            raise Refused("%s: hub key uses unknown algorithms (%d/%d)" % (path, raw[5], raw[6]))
        kid, box_pk, sign_pk = raw[8:16], raw[16:48], raw[48:80]
        if hub_id(box_pk, sign_pk) != kid:
            raise Refused("%s: damaged hub public key (key id does not match the keys)" % path)
        keys.append((kid, box_pk, sign_pk))
    if not keys:
        raise Refused("%s: no hub public key in this file" % path)
    return keys


def hub_secret(path, passphrase):
    """(id, box_pk, box_sk, sign_pk, sign_sk) of a hub.key."""
    raws = key_lines(path, "storyhub-key-v")
    if len(raws) != 1:
        raise Refused("%s: exactly one hub secret key expected" % path)
    raw = raws[0]
    if blake2b_128(raw[:184]) != raw[184:200]:
        raise Refused("%s: damaged hub secret key (checksum mismatch)" % path)
    if raw[0:4] != b"SKHS" or raw[4] != 1:
        raise Refused("%s: damaged hub secret key (bad magic)" % path)
    if raw[5] != 1 or raw[6] != 1:
        raise Refused("%s: hub secret key uses unknown algorithms (%d/%d)" % (path, raw[5], raw[6]))
    ops, mem = struct.unpack_from("<QQ", raw, 16)
    if not (1 <= ops <= 32 and 8192 <= mem <= 1 << 30):
        raise Refused("%s: hub secret key has unreasonable Argon2id limits" % path)
    salt, nonce, locked = raw[32:48], raw[48:72], raw[72:184]
    key = nb.crypto_pwhash_alg(32, passphrase, salt, ops, mem, nb.crypto_pwhash_ALG_ARGON2ID13)
    try:
        plain = nb.crypto_secretbox_open(locked, nonce, key)
    except nacl.exceptions.CryptoError:
        raise Refused("wrong passphrase for %s" % path)
    box_sk, sign_sk = plain[:32], plain[32:96]
    box_pk, sign_pk = nb.crypto_scalarmult_base(box_sk), sign_sk[32:]
    if hub_id(box_pk, sign_pk) != raw[8:16]:
        raise Refused("%s: damaged hub secret key (key id does not match)" % path)
    return raw[8:16], box_pk, box_sk, sign_pk, sign_sk


def kiosk_identity(path):
    """(id, sign_pk) of a kiosk.key."""
    raws = key_lines(path, "storykiosk-id-v")
    if len(raws) != 1:
        raise Refused("%s: exactly one kiosk identity expected" % path)
    raw = raws[0]
    if blake2b_128(raw[:80]) != raw[80:96]:
        raise Refused("%s: damaged kiosk identity (checksum mismatch)" % path)
    if raw[0:4] != b"SKKI" or raw[4] != 1 or raw[5] != 1:
        raise Refused("%s: damaged kiosk identity (bad magic or algorithm)" % path)
    sign_pk = raw[16 + 32:16 + 64]
    if kiosk_id(sign_pk) != raw[8:16]:
        raise Refused("%s: damaged kiosk identity (id does not match)" % path)
    return raw[8:16], sign_pk


# --- bundles ---------------------------------------------------------------

MAX_BYTES = 256 << 20
MAX_RECORDS = 200000
MAX_SEALED = (4 << 20) + 4096
STATUS = {1: "submitted", 2: "interrupted", 3: "timed_out"}
SOURCE = {0: "kiosk", 1: "paper", 2: "scribe"}


def read_bundle(buf, hub_key_id=None):
    """Verify a bundle whole; (header dict, [records]) or Refused."""
    n = len(buf)
    if n > MAX_BYTES:
        raise Refused("bundle too large (%d bytes, at most %d)" % (n, MAX_BYTES))
    if n < 8 and b"SKBUNDLE".startswith(buf):
        raise Refused("truncated (header)")
    if buf[:8] != b"SKBUNDLE":
        raise Refused("bad magic (not a storykiosk bundle)")
    if n < 53:
        raise Refused("truncated (header)")
    version, sig_alg, seal_fmt = struct.unpack_from("<HBB", buf, 8)
    if version != 1:
        raise Refused("unknown version %d (this program reads version 1)" % version)
    if sig_alg != 1:
        raise Refused("unknown signature algorithm %d" % sig_alg)
    if seal_fmt != 1:
        raise Refused("unknown seal format %d" % seal_fmt)
    pk, kid, namelen = buf[12:44], buf[44:52], buf[52]
    if kiosk_id(pk) != kid:
        raise Refused("kiosk id does not match its public key")
    if namelen > 64:
        raise Refused("kiosk name longer than 64 bytes")
    off = 53
    if n - off < namelen + 17:
        raise Refused("truncated (header)")
    try:
        name = buf[off:off + namelen].decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("kiosk name is not valid UTF-8")
    off += namelen
    seq, created, nhubs = struct.unpack_from("<QqB", buf, off)
    off += 17
    if seq == 0:
        raise Refused("bundle sequence 0 (sequences start at 1)")
    if not 1 <= nhubs <= 8:
        raise Refused("hub key count %d out of range (1..8)" % nhubs)
    if n - off < 8 * nhubs + 4:
        raise Refused("truncated (header)")
    hubs = [buf[off + 8 * i:off + 8 * i + 8] for i in range(nhubs)]
    off += 8 * nhubs
    (count,) = struct.unpack_from("<I", buf, off)
    off += 4
    if count > MAX_RECORDS:
        raise Refused("length field too large (record count %d)" % count)
    if count > (n - off) // 35:
        raise Refused("truncated (%d records cannot fit in %d bytes)" % (count, n - off))
    records, last = [], None
    for i in range(1, count + 1):
        if n - off < 4:
            raise Refused("truncated (record %d)" % i)
        (rlen,) = struct.unpack_from("<I", buf, off)
        off += 4
        if rlen > 30 + MAX_SEALED:
            raise Refused("length field too large (record %d: %d bytes)" % (i, rlen))
        if rlen > n - off:
            raise Refused("truncated (record %d)" % i)
        if rlen < 30:
            raise Refused("lengths do not add up (record %d)" % i)
        sid = buf[off:off + 16]
        rseq, status, source, slen = struct.unpack_from("<QBBI", buf, off + 16)
        if slen == 0 or slen != rlen - 30:
            raise Refused("lengths do not add up (record %d)" % i)
        if status not in STATUS:
            raise Refused("record %d: unknown status %d" % (i, status))
        if source not in SOURCE:
            raise Refused("record %d: unknown source %d" % (i, source))
        if last is not None and rseq <= last:
            raise Refused("records out of order (record %d)" % i)
        last = rseq
        records.append({"id": sid, "seq": rseq, "status": status, "source": source,
                        "sealed": buf[off + 30:off + rlen]})
        off += rlen
    if n - off < 64:
        raise Refused("truncated (signature)")
    if n - off > 64:
        raise Refused("trailing bytes (%d after the signature)" % (n - off - 64))
    state = nb.crypto_sign_ed25519ph_state()
    nb.crypto_sign_ed25519ph_update(state, buf[:n - 64])
    try:
        nb.crypto_sign_ed25519ph_final_verify(state, buf[n - 64:], pk)
    except nacl.exceptions.BadSignatureError:
        raise Refused("bad signature (tampered, or not made by kiosk %s)" % kid.hex())
    ids = sorted(r["id"] for r in records)
    for a, b in zip(ids, ids[1:]):
        if a == b:
            raise Refused("duplicate record (story %s)" % a.hex())
    if hub_key_id is not None and hub_key_id not in hubs:
        raise Refused("not addressed to this hub key (%s); it is for: %s"
                      % (hub_key_id.hex(), " ".join(h.hex() for h in hubs)))
    header = {"kiosk_pk": pk, "kiosk_id": kid, "name": name, "seq": seq,
              "created": created, "hubs": hubs, "count": count}
    return header, records


# --- sealed stories --------------------------------------------------------

def unpad(data, block=1024):
    i = len(data) - 1
    while i >= 0 and len(data) - i <= block and data[i] == 0:
        i -= 1
    if i < 0 or len(data) - i > block or data[i] != 0x80:
        raise Refused("sealed story has bad padding")
    return data[:i]


def open_sealed(story_id, blob, box_id, box_pk, box_sk, with_key=False):
    """The payload bytes of a sealed story (and the story key if asked)."""
    if len(blob) < 8 or blob[:4] != b"SKS1":
        raise Refused("not a sealed story")
    if blob[4] != 1:
        raise Refused("sealed story of unknown version %d" % blob[4])
    if blob[5] != 1 or blob[6] != 1:
        raise Refused("sealed story uses unknown algorithms (%d/%d)" % (blob[5], blob[6]))
    r = blob[7]
    if not 1 <= r <= 8:
        raise Refused("sealed story has a bad recipient count (%d)" % r)
    head = 32 + 88 * r
    if len(blob) < head + 16 + 1024 or (len(blob) - head - 16) % 1024 != 0:
        raise Refused("sealed story has a bad length")
    if len(blob) > MAX_SEALED:
        raise Refused("sealed story too large")
    entries = [blob[8 + 88 * i:8 + 88 * (i + 1)] for i in range(r)]
    mine = [e for e in entries if e[:8] == box_id]
    if not mine:
        raise Refused("is not sealed to this hub key")
    try:
        key = nb.crypto_box_seal_open(mine[0][8:], box_pk, box_sk)
    except nacl.exceptions.CryptoError:
        raise Refused("story key does not open with this hub key")
    nonce = blob[head - 24:head]
    try:
        padded = nb.crypto_aead_xchacha20poly1305_ietf_decrypt(
            blob[head:], story_id + blob[:head], nonce, key)
    except nacl.exceptions.CryptoError:
        raise Refused("sealed story is damaged or belongs to another story id")
    plain = unpad(padded)
    return (plain, key) if with_key else plain


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def check_payload(text, record, header):
    """The hub's checks of an opened payload (docs: "The payload")."""
    try:
        p = json.loads(text.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError) as e:
        raise Refused("story payload is not a JSON object: %s" % e)
    if not isinstance(p, dict):
        raise Refused("story payload is not a JSON object")
    if p.get("v") != 1 or isinstance(p.get("v"), bool):
        raise Refused("story payload has an unknown version")
    for k in ("story_id", "code", "kiosk", "form", "source", "created", "saved", "lang",
              "consent"):
        if not isinstance(p.get(k), str):
            raise Refused('story payload: "%s" is missing or not a string' % k)
    for k in ("prompt", "status", "scribe"):
        if p.get(k) is not None and not isinstance(p[k], str):
            raise Refused('story payload: "%s" is missing or not a string' % k)
    if not isinstance(p.get("form_version"), int):
        raise Refused('story payload: "form_version" is not an integer')
    for k in ("answers", "types"):
        if not isinstance(p.get(k), dict):
            raise Refused('story payload: "%s" is not an object' % k)
    if p["story_id"] != record["id"].hex() or p["kiosk"] != header["kiosk_id"].hex():
        raise Refused("its payload belongs to another story or kiosk")
    source, status = SOURCE[record["source"]], STATUS[record["status"]]
    if p["source"] != source:
        raise Refused("its source (%s) is not the sealed story's (%s)" % (source, p["source"]))
    st = p.get("status")
    if st is not None and st != status and not (status == "interrupted" and st == "draft"):
        raise Refused("its status (%s) is not the sealed story's (%s)" % (status, st))
    return p


def open_records(header, records, hub):
    kid, box_pk, box_sk = hub[0], hub[1], hub[2]
    out = []
    for i, r in enumerate(records, 1):
        try:
            text = open_sealed(r["id"], r["sealed"], kid, box_pk, box_sk)
        except Refused as e:
            if str(e).startswith("is not sealed"):
                raise Refused("record %d %s" % (i, e))
            raise Refused("record %d: %s" % (i, e))
        try:
            out.append(check_payload(text, r, header))
        except Refused as e:
            raise Refused("record %d: %s" % (i, e))
    return out


# --- receipts --------------------------------------------------------------

def read_receipt(buf, hubs, kiosk=None):
    n = len(buf)
    if n < 8 or buf[:8] != b"SKRECEPT":
        raise Refused("bad magic (not a storyhub receipt)")
    if n < 80 + 64:
        raise Refused("truncated receipt")
    version, sig_alg, hash_alg = struct.unpack_from("<HBB", buf, 8)
    if version != 1:
        raise Refused("unknown receipt version %d (this program reads version 1)" % version)
    if sig_alg != 1:
        raise Refused("unknown receipt signature algorithm %d" % sig_alg)
    if hash_alg != 1:
        raise Refused("unknown receipt hash algorithm %d" % hash_alg)
    (count,) = struct.unpack_from("<I", buf, 76)
    if count > MAX_RECORDS:
        raise Refused("length field too large (receipt count %d)" % count)
    if n - 144 < 16 * count:
        raise Refused("truncated receipt")
    if n - 144 > 16 * count:
        raise Refused("trailing bytes in receipt")
    signer = [h for h in hubs if h[0] == buf[12:20]]
    if not signer:
        raise Refused("receipt signed by hub key %s, which this kiosk does not know"
                      % buf[12:20].hex())
    try:
        nb.crypto_sign_open(buf[n - 64:] + buf[:n - 64], signer[0][2])
    except nacl.exceptions.BadSignatureError:
        raise Refused("bad receipt signature (tampered, or not from the hub)")
    if kiosk is not None and buf[20:28] != kiosk:
        raise Refused("receipt is for another kiosk (%s)" % buf[20:28].hex())
    seq, bhash, created = struct.unpack_from("<Q32sq", buf, 28)
    ids = [buf[80 + 16 * i:96 + 16 * i] for i in range(count)]
    return {"hub": buf[12:20], "kiosk": buf[20:28], "seq": seq, "hash": bhash,
            "created": created, "ids": ids}


# --- command line ----------------------------------------------------------

def passphrase(args):
    v = os.environ.get(args.passphrase_env or "")
    if v is None:
        sys.exit("skread: give --passphrase-env VAR naming a set variable")
    return v.encode("utf-8")


def main():
    ap = argparse.ArgumentParser(prog="skread.py")
    ap.add_argument("what", choices=["key", "bundle", "stories", "seal", "receipt"])
    ap.add_argument("file")
    ap.add_argument("--hub-pub")
    ap.add_argument("--hub-key")
    ap.add_argument("--passphrase-env")
    ap.add_argument("--story-id")
    ap.add_argument("--box-secret")
    ap.add_argument("--kiosk")
    ap.add_argument("--bundle")
    args = ap.parse_args()
    try:
        if args.what == "key":
            with open(args.file, "rb") as f:
                text = f.read().decode("utf-8")
            if "storyhub-pub-v" in text:
                for kid, box_pk, sign_pk in hub_pubs(args.file):
                    print("hub.pub %s %s box %s sign %s" % (kid.hex(), fingerprint(kid),
                                                            box_pk.hex(), sign_pk.hex()))
            elif "storyhub-key-v" in text:
                kid, box_pk, box_sk, sign_pk, _ = hub_secret(args.file, passphrase(args))
                print("hub.key %s %s box %s sign %s box-secret %s"
                      % (kid.hex(), fingerprint(kid), box_pk.hex(), sign_pk.hex(), box_sk.hex()))
            else:
                kid, pk = kiosk_identity(args.file)
                print("kiosk.key %s %s" % (kid.hex(), pk.hex()))
        elif args.what in ("bundle", "stories"):
            with open(args.file, "rb") as f:
                buf = f.read(MAX_BYTES + 1)
            hub = None
            if args.hub_key:
                hub = hub_secret(args.hub_key, passphrase(args))
            elif args.hub_pub:
                hub = hub_pubs(args.hub_pub)[0]
            header, records = read_bundle(buf, hub[0] if hub else None)
            payloads = open_records(header, records, hub) if args.hub_key else []
            if args.what == "stories":
                for p in payloads:
                    print(json.dumps(p, ensure_ascii=False, sort_keys=True))
            else:
                print("ok %d kiosk %s seq %d name %s" % (header["count"],
                      header["kiosk_id"].hex(), header["seq"], json.dumps(header["name"])))
        elif args.what == "seal":
            sid = bytes.fromhex(args.story_id)
            with open(args.file, "rb") as f:
                blob = f.read()
            if args.box_secret:
                box_sk = bytes.fromhex(args.box_secret)
                box_pk = nb.crypto_scalarmult_base(box_sk)
                plain, why = None, Refused("story key does not open with this hub key")
                # the secret key alone names no key id: try each recipient
                for i in range(blob[7] if len(blob) > 8 and blob[7] <= 8 else 0):
                    try:
                        plain, key = open_sealed(sid, blob, blob[8 + 88 * i:16 + 88 * i],
                                                 box_pk, box_sk, True)
                        break
                    except Refused as e:
                        if not str(e).startswith("story key does not open"):
                            why = e
                if plain is None:
                    raise why
            else:
                hub = hub_secret(args.hub_key, passphrase(args))
                plain, key = open_sealed(sid, blob, hub[0], hub[1], hub[2], True)
            sys.stderr.write("story key %s\n" % key.hex())
            sys.stdout.buffer.write(plain)
        else:
            with open(args.file, "rb") as f:
                buf = f.read()
            r = read_receipt(buf, hub_pubs(args.hub_pub),
                             bytes.fromhex(args.kiosk) if args.kiosk else None)
            if args.bundle:
                with open(args.bundle, "rb") as f:
                    if hashlib.blake2b(f.read(), digest_size=32).digest() != r["hash"]:
                        raise Refused("the receipt is for another bundle")
            print("ok kiosk %s seq %d stories %d %s" % (r["kiosk"].hex(), r["seq"],
                  len(r["ids"]), " ".join(i.hex() for i in r["ids"])))
    except Refused as e:
        print(e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
