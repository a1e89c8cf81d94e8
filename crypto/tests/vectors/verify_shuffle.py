#!/usr/bin/env python3
"""An independent check of crypto/tests/vectors/shuffle.json, written from
docs/election-record.md ("Version 2: ranked ballots and the shuffle", S.2,
S.6, S.7) with nothing but the Python standard library: Ristretto255 decoding
(RFC 9496 4.3.1) and Edwards arithmetic by hand, slow and simple.

It checks the rank proofs' challenges, recomputes the first mix's batching
seed, batching challenges and challenge, checks equations E1-E4 and the
chain equations of both mixes one by one, and that every invalid case
fails. The generators h, h_1.. are taken from the file (hash-to-group,
RFC 9496 4.3.4, is not implemented here).

Run from the repository root: python3 crypto/tests/vectors/verify_shuffle.py
"""
import base64, hashlib, json, sys

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
G_BYTES = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")

unb = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
u64 = lambda n: n.to_bytes(8, "big")
le = lambda b: int.from_bytes(b, "little")
neg = lambda x: x % P & 1 == 1
absf = lambda x: (-x) % P if neg(x) else x % P


def sqrt_ratio_m1(u, v):
    v3 = v * v * v % P
    v7 = v3 * v3 * v % P
    r = u * v3 * pow(u * v7, (P - 5) // 8, P) % P
    check = v * r * r % P
    correct, flipped = check == u % P, check == (-u) % P
    flipped_i = check == (-u * SQRT_M1) % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    return correct or flipped, absf(r)


def decode(b, public=False):
    """RFC 9496 4.3.1; an affine Edwards point (x, y), or None."""
    s = le(b)
    if len(b) != 32 or s >= P or neg(s):
        return None
    ss = s * s % P
    u1, u2 = (1 - ss) % P, (1 + ss) % P
    v = (-(D * u1 * u1) - u2 * u2) % P
    ok, inv = sqrt_ratio_m1(1, v * u2 * u2 % P)
    den_x = inv * u2 % P
    den_y = inv * den_x * v % P
    x = absf(2 * s * den_x)
    y = u1 * den_y % P
    if not ok or neg(x * y) or y == 0:
        return None
    if public and x == 0 and y == 1:   # the identity
        return None
    return (x, y)


def add(a, b):
    (x1, y1), (x2, y2) = a, b
    k = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + k, P - 2, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - k, P - 2, P) % P
    return (x3, y3)


ZERO = (0, 1)


def mul(n, a):
    n %= L
    out = ZERO
    while n:
        if n & 1:
            out = add(out, a)
        a, n = add(a, a), n >> 1
    return out


def msm(pairs):
    out = ZERO
    for n, a in pairs:
        out = add(out, mul(n, a))
    return out


def eq(a, b):   # Ristretto equality of two representatives
    return (a[0] * b[1] - a[1] * b[0]) % P == 0 or (a[1] * b[1] - a[0] * b[0]) % P == 0


def transcript(domain, items):
    t = b"votum-v2\0" + domain + b"\0" + b"ristretto255" + G_BYTES
    for label, data in items:
        t += label + b"\0" + u64(len(data)) + data
    return hashlib.sha512(t).digest()


v = json.load(open("crypto/tests/vectors/shuffle.json"))
G = decode(G_BYTES)
fp, Yb, k = unb(v["fingerprint"]), unb(v["public_key"]), v["options"]
Y = decode(Yb, True)
gens = [decode(unb(g), True) for g in v["generators"]]

# S.2: the rank proofs' challenges add up.
for ballot in v["ballots"]:
    ranking = ballot["ranking"]
    for j, (ct, proof) in enumerate(zip(ranking["choices"], ranking["proofs"])):
        items = [(b"election", fp), (b"public-key", Yb), (b"credential", unb(ballot["credential"])),
                 (b"question", u64(v["question"])), (b"option", u64(j)),
                 (b"alpha", unb(ct["alpha"])), (b"beta", unb(ct["beta"])),
                 (b"min", u64(0)), (b"max", u64(k))]
        items += [x for b in proof for x in ((b"a", unb(b["a"])), (b"b", unb(b["b"])))]
        assert sum(le(unb(b["c"])) for b in proof) % L == le(transcript(b"ranked-rank", items)) % L


def rows(list_):
    out = []
    for row in list_:
        if len(row) != k:
            return None
        cts = [(decode(unb(c["alpha"]), True), decode(unb(c["beta"]))) for c in row]
        if any(a is None or b is None for a, b in cts):
            return None
        out.append(cts)
    return out


def check(fingerprint, inp_json, out_json, p):
    """None if the mix verifies, else the rule that failed."""
    n = len(inp_json)
    inp, out = rows(inp_json), rows(out_json)
    if inp is None or out is None:
        return "ciphertext"
    if len(out) != n:
        return "row count"
    for m in ("commitments", "chain", "t_hat", "s_hat", "s_prime"):
        if len(p[m]) != n:
            return "length " + m
    if len(p["t4"]) != k or len(p["s4"]) != k:
        return "length t4/s4"
    pts = {m: [decode(unb(x), True) for x in p[m]] for m in ("commitments", "chain", "t_hat")}
    t1, t2, t3 = (decode(unb(p[m]), True) for m in ("t1", "t2", "t3"))
    t4 = [(decode(unb(t["alpha"]), True), decode(unb(t["beta"]), True)) for t in p["t4"]]
    if any(x is None for l in pts.values() for x in l) or None in (t1, t2, t3) \
            or any(a is None or b is None for a, b in t4):
        return "proof point"
    sc = {m: [le(unb(x)) for x in p[m]] for m in ("s4", "s_hat", "s_prime")}
    s1, s2, s3 = (le(unb(p[m])) for m in ("s1", "s2", "s3"))
    if any(x >= L for l in sc.values() for x in l) or max(s1, s2, s3) >= L:
        return "proof scalar"
    # S.6
    items = [(b"election", fingerprint), (b"public-key", Yb), (b"width", u64(k)), (b"rows", u64(n))]
    for side, list_ in ((b"in", inp_json), (b"out", out_json)):
        for row in list_:
            for ct in row:
                items += [(side + b"-alpha", unb(ct["alpha"])), (side + b"-beta", unb(ct["beta"]))]
    items += [(b"commitment", unb(c)) for c in p["commitments"]]
    rho = transcript(b"shuffle-batching", items)
    u = [le(hashlib.sha512(b"votum-v2-shuffle-batching\0" + rho + u64(i)).digest()[:16])
         for i in range(n)]
    items = [(b"election", fingerprint), (b"public-key", Yb), (b"batching", rho)]
    items += [(b"chain", unb(x)) for x in p["chain"]]
    items += [(b"t1", unb(p["t1"])), (b"t2", unb(p["t2"])), (b"t3", unb(p["t3"]))]
    for t in p["t4"]:
        items += [(b"t4-alpha", unb(t["alpha"])), (b"t4-beta", unb(t["beta"]))]
    items += [(b"t-hat", unb(x)) for x in p["t_hat"]]
    c = le(transcript(b"shuffle", items)) % L
    if fingerprint == fp and p == v["proof"] and out_json == v["output"]:
        assert rho == unb(v["batching_seed"])
        assert u == [le(unb(x)) for x in v["batching_challenges"]]
        assert c == le(unb(v["challenge"]))
    # S.7, equation by equation (generators of this election from the file).
    if fingerprint != fp:
        return "another election (its generators are not in the file)"
    h, hs = gens[0], gens[1:n + 1]
    cs, chain, s_prime = pts["commitments"], pts["chain"], sc["s_prime"]
    U = 1
    for x in u:
        U = U * x % L
    diff = msm([(1, x) for x in cs] + [(L - 1, x) for x in hs])
    if not eq(mul(s1, G), add(t1, mul(c, diff))):
        return "E1"
    last = chain[-1] if chain else h
    if not eq(mul(s2, G), add(t2, mul(c, add(last, mul(L - U, h))))):
        return "E2"
    if not eq(add(mul(s3, G), msm(zip(s_prime, hs))), add(t3, mul(c, msm(zip(u, cs))))):
        return "E3"
    for l in range(k):
        for side, base in ((0, G), (1, Y)):
            lhs = add(mul(L - sc["s4"][l], base), msm((s_prime[i], out[i][l][side]) for i in range(n)))
            rhs = add(t4[l][side], mul(c, msm((u[j], inp[j][l][side]) for j in range(n))))
            if not eq(lhs, rhs):
                return "E4 column %d" % l
    for i in range(n):
        prev = chain[i - 1] if i else h
        if not eq(add(mul(sc["s_hat"][i], G), mul(s_prime[i], prev)),
                  add(pts["t_hat"][i], mul(c, chain[i]))):
            return "chain step %d" % i
    return None


assert check(fp, v["input"], v["output"], v["proof"]) is None
assert check(fp, v["output"], v["output2"], v["proof2"]) is None
for case in v["invalid"]:
    failed = check(unb(case["fingerprint"]), v["input"], case["output"], case["proof"])
    assert failed is not None, case["reason"]
    print("refused:", case["reason"], "--", failed)
print("both mixes verify; every invalid case is refused")
