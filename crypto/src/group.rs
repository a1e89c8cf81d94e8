//! The group of ballot protocol version 2: Ristretto255 (RFC 9496) from
//! `curve25519-dalek`, with strict encodings and the one Fiat-Shamir
//! transcript every zero-knowledge proof of the protocol hashes.
//!
//! Everything that encrypts, proves, shares keys or decrypts in version 2
//! builds on this module, so the encodings and the challenge derivation are
//! written down once:
//!
//! * a **point** is the 32-byte canonical Ristretto255 encoding; decoding
//!   refuses every other byte string (RFC 9496 §4.3.1), and
//!   [`decode_public_point`] also refuses the identity, which is never a
//!   valid public key or commitment;
//! * a **scalar** is 32 bytes, little-endian, strictly below the group order
//!   ℓ = 2^252 + 27742317777372353535851937790883648493;
//! * a **challenge** is SHA-512 of a transcript, reduced mod ℓ. The
//!   transcript is *strong* Fiat-Shamir (Bernhard, Pereira, Warinschi,
//!   "How not to prove yourself", 2012 — the flaw behind Helios issue #34):
//!   it starts with a domain tag naming the proof, then the caller appends
//!   the election fingerprint, the group generator, every public value of
//!   the statement and the prover's commitments, each length-prefixed with
//!   a label, so no two different statements hash alike.

use crate::CryptoError;
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::traits::Identity;

pub use curve25519_dalek::ristretto::RistrettoPoint as Point;
pub use curve25519_dalek::scalar::Scalar;

/// Name of the group, hashed into every transcript.
pub const GROUP_NAME: &[u8] = b"ristretto255";

/// The generator G of the group (the Ristretto255 base point).
pub fn generator() -> Point {
    RISTRETTO_BASEPOINT_POINT
}

/// The canonical 32-byte encoding of a point.
pub fn encode_point(point: &Point) -> [u8; 32] {
    point.compress().to_bytes()
}

/// Decodes a canonical point encoding; any other 32 bytes are refused.
pub fn decode_point(bytes: &[u8]) -> Result<Point, CryptoError> {
    let compressed = CompressedRistretto::from_slice(bytes)
        .map_err(|_| CryptoError::Encoding("a point has 32 bytes"))?;
    compressed
        .decompress()
        .ok_or(CryptoError::Encoding("not a canonical Ristretto255 point"))
}

/// Decodes a point that stands for a public key or a commitment: like
/// [`decode_point`], and the identity is refused too.
pub fn decode_public_point(bytes: &[u8]) -> Result<Point, CryptoError> {
    let point = decode_point(bytes)?;
    if point == Point::identity() {
        return Err(CryptoError::Encoding("the identity is not a public point"));
    }
    Ok(point)
}

/// The canonical 32-byte little-endian encoding of a scalar.
pub fn encode_scalar(scalar: &Scalar) -> [u8; 32] {
    scalar.to_bytes()
}

/// Decodes a scalar; 32 bytes whose value is ℓ or more are refused.
pub fn decode_scalar(bytes: &[u8]) -> Result<Scalar, CryptoError> {
    let array: [u8; 32] = bytes
        .try_into()
        .map_err(|_| CryptoError::Encoding("a scalar has 32 bytes"))?;
    Option::from(Scalar::from_canonical_bytes(array))
        .ok_or(CryptoError::Encoding("scalar not below the group order"))
}

/// Where the randomness of encryptions, proofs and key shares comes from.
///
/// Production code uses [`SystemScalars`]; tests and published test vectors
/// use [`SeededScalars`] so their output is reproducible.
pub trait ScalarSource {
    /// A uniformly random scalar.
    fn scalar(&mut self) -> Result<Scalar, CryptoError>;
}

/// Scalars from the operating system's CSPRNG (64 random bytes reduced mod ℓ,
/// so the bias is below 2^-250).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemScalars;

impl ScalarSource for SystemScalars {
    fn scalar(&mut self) -> Result<Scalar, CryptoError> {
        let mut wide = [0u8; 64];
        crate::fill_random(&mut wide)?;
        let scalar = Scalar::from_bytes_mod_order_wide(&wide);
        zeroize::Zeroize::zeroize(&mut wide);
        Ok(scalar)
    }
}

/// Deterministic scalars for tests and test vectors only:
/// scalar *i* = SHA-512(b"votum-v2-seeded\0" || seed || i as 8 bytes big-endian) mod ℓ.
/// Never use it for a real election: anyone who knows the seed knows every
/// secret made from it.
#[derive(Debug, Clone)]
pub struct SeededScalars {
    seed: Vec<u8>,
    counter: u64,
}

impl SeededScalars {
    /// A source that yields the same scalars for the same seed.
    pub fn new(seed: &[u8]) -> Self {
        SeededScalars {
            seed: seed.to_vec(),
            counter: 0,
        }
    }
}

impl ScalarSource for SeededScalars {
    fn scalar(&mut self) -> Result<Scalar, CryptoError> {
        let mut context = ring::digest::Context::new(&ring::digest::SHA512);
        context.update(b"votum-v2-seeded\0");
        context.update(&self.seed);
        context.update(&self.counter.to_be_bytes());
        self.counter += 1;
        Ok(wide_scalar(context.finish().as_ref()))
    }
}

fn wide_scalar(digest: &[u8]) -> Scalar {
    let mut wide = [0u8; 64];
    wide.copy_from_slice(digest);
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// A strong Fiat-Shamir transcript (SHA-512).
///
/// Byte layout, which an independent verifier reproduces:
///
/// ```text
/// b"votum-v2\0" || domain || b"\0" || GROUP_NAME || G
/// then for each appended item: label || b"\0" || len (8 bytes, big-endian) || bytes
/// challenge = SHA-512(all of the above) mod ℓ (64 bytes read little-endian)
/// ```
///
/// Points are appended in their 32-byte encoding, scalars in theirs,
/// integers as 8 bytes big-endian.
pub struct Transcript {
    context: ring::digest::Context,
}

impl Transcript {
    /// Starts a transcript for the proof named `domain` (for example
    /// `b"zero-or-one"`); the group and its generator are hashed in first.
    pub fn new(domain: &[u8]) -> Self {
        let mut context = ring::digest::Context::new(&ring::digest::SHA512);
        context.update(b"votum-v2\0");
        context.update(domain);
        context.update(b"\0");
        context.update(GROUP_NAME);
        context.update(&encode_point(&generator()));
        Transcript { context }
    }

    /// Appends a labelled byte string.
    pub fn append_bytes(&mut self, label: &[u8], bytes: &[u8]) -> &mut Self {
        self.context.update(label);
        self.context.update(b"\0");
        self.context.update(&(bytes.len() as u64).to_be_bytes());
        self.context.update(bytes);
        self
    }

    /// Appends a labelled point.
    pub fn append_point(&mut self, label: &[u8], point: &Point) -> &mut Self {
        self.append_bytes(label, &encode_point(point))
    }

    /// Appends a labelled scalar.
    pub fn append_scalar(&mut self, label: &[u8], scalar: &Scalar) -> &mut Self {
        self.append_bytes(label, &encode_scalar(scalar))
    }

    /// Appends a labelled unsigned integer.
    pub fn append_u64(&mut self, label: &[u8], value: u64) -> &mut Self {
        self.append_bytes(label, &value.to_be_bytes())
    }

    /// The challenge: SHA-512 of everything appended, reduced mod ℓ.
    pub fn challenge(self) -> Scalar {
        wide_scalar(self.context.finish().as_ref())
    }

    /// The 64 bytes of SHA-512 of everything appended, not reduced: a seed
    /// from which a proof derives many challenges (the shuffle's batching
    /// vector, [`crate::shuffle`]).
    pub fn digest(self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.context.finish().as_ref());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_and_scalars_round_trip_and_non_canonical_forms_are_refused() {
        let mut source = SeededScalars::new(b"group");
        let x = source.scalar().unwrap();
        let p = generator() * x;
        assert_eq!(decode_point(&encode_point(&p)).unwrap(), p);
        assert_eq!(decode_scalar(&encode_scalar(&x)).unwrap(), x);

        // ℓ itself is not a canonical scalar.
        let order: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        assert!(decode_scalar(&order).is_err());
        // A field element ≥ p and a negative one (odd) are not canonical points.
        assert!(decode_point(&[0xff; 32]).is_err());
        // Canonical encodings are non-negative (low bit clear); the odd twin is refused.
        let mut negative = encode_point(&p);
        negative[0] |= 1;
        assert!(decode_point(&negative).is_err());
        assert!(decode_point(&[0u8; 31]).is_err());
        // The identity decodes, but is no public point.
        assert!(decode_point(&[0u8; 32]).is_ok());
        assert!(decode_public_point(&[0u8; 32]).is_err());
    }

    #[test]
    fn seeded_scalars_are_reproducible_and_system_scalars_differ() {
        let mut a = SeededScalars::new(b"seed");
        let mut b = SeededScalars::new(b"seed");
        assert_eq!(a.scalar().unwrap(), b.scalar().unwrap());
        assert_ne!(
            a.scalar().unwrap(),
            SeededScalars::new(b"other").scalar().unwrap()
        );
        assert_ne!(
            SystemScalars.scalar().unwrap(),
            SystemScalars.scalar().unwrap()
        );
    }

    #[test]
    fn challenges_depend_on_domain_label_and_length_prefix() {
        let mut one = Transcript::new(b"proof-a");
        one.append_bytes(b"x", b"ab").append_bytes(b"y", b"c");
        let mut two = Transcript::new(b"proof-a");
        two.append_bytes(b"x", b"a").append_bytes(b"y", b"bc");
        let mut three = Transcript::new(b"proof-b");
        three.append_bytes(b"x", b"ab").append_bytes(b"y", b"c");
        let (one, two, three) = (one.challenge(), two.challenge(), three.challenge());
        assert_ne!(one, two);
        assert_ne!(one, three);
    }
}
