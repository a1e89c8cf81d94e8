//! Exponential ElGamal on Ristretto255, the encryption of ballot protocol
//! version 2.
//!
//! A message m (a small count: 0 or 1 for one mark, up to the electorate
//! size for a tally) is encrypted under the election public key Y = G^x as
//! the ciphertext (α, β) = (G^r, Y^r · G^m) for a fresh random r. Ciphertexts
//! multiply (here: points add) to encrypt the sum of their messages, which is
//! how the tally adds up ballots without opening any of them. Decryption
//! gives G^m = β − x·α; m itself is found by [`discrete_log`], which is fast
//! because m is small. This is the scheme of Helios and Belenios (Cortier,
//! Gaudry, Glondu, "Belenios: a simple private and verifiable electronic
//! voting system", 2019), written additively.
//!
//! The real election key comes from the trustees' key generation; the
//! [`SecretKey`] here serves tests, test vectors and benchmarks.

use crate::group::{
    decode_point, decode_public_point, encode_point, generator, Point, Scalar, ScalarSource,
};
use crate::CryptoError;
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::traits::Identity;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Add;

/// An election public key Y = G^x (never the identity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(Point);

impl PublicKey {
    /// Wraps a point as a public key; the identity is refused (it would make
    /// every ciphertext readable).
    pub fn from_point(point: Point) -> Result<Self, CryptoError> {
        if point == Point::identity() {
            return Err(CryptoError::InvalidKey("the identity is not a public key"));
        }
        Ok(PublicKey(point))
    }

    /// The point Y.
    pub fn point(&self) -> &Point {
        &self.0
    }

    /// The canonical 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        encode_point(&self.0)
    }

    /// Decodes a canonical, non-identity point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        Ok(PublicKey(decode_public_point(bytes)?))
    }

    /// The key as base64url text.
    pub fn to_base64(&self) -> String {
        crate::base64url::encode(&self.to_bytes())
    }

    /// Reads a key from base64url text.
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        Self::from_bytes(&crate::base64url::decode(text)?)
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes: [u8; 32] = crate::base64url::array::deserialize(deserializer)?;
        PublicKey::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

/// A decryption key x, for tests, test vectors and benchmarks (the real
/// election key is shared among trustees). Wiped from memory on drop.
pub struct SecretKey {
    x: Scalar,
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.x);
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A fresh key from `source` (never zero).
    pub fn generate(source: &mut dyn ScalarSource) -> Result<Self, CryptoError> {
        loop {
            let x = source.scalar()?;
            if x != Scalar::ZERO {
                return Ok(SecretKey { x });
            }
        }
    }

    /// The public key G^x.
    pub fn public(&self) -> PublicKey {
        PublicKey(&self.x * RISTRETTO_BASEPOINT_TABLE)
    }

    /// G^m for the message m of `ciphertext`: β − x·α.
    pub fn decrypt_point(&self, ciphertext: &Ciphertext) -> Point {
        ciphertext.beta - ciphertext.alpha * self.x
    }

    /// The message of `ciphertext` if it is at most `max`.
    pub fn decrypt(&self, ciphertext: &Ciphertext, max: u64) -> Option<u64> {
        discrete_log(&self.decrypt_point(ciphertext), max)
    }
}

/// An exponential ElGamal ciphertext (α, β) = (G^r, Y^r · G^m).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ciphertext {
    /// α = G^r.
    pub alpha: Point,
    /// β = Y^r · G^m.
    pub beta: Point,
}

impl Ciphertext {
    /// The encryption of 0 with randomness 0: the neutral element of [`Add`].
    pub fn zero() -> Self {
        Ciphertext {
            alpha: Point::identity(),
            beta: Point::identity(),
        }
    }

    /// Encrypts `message` with the given randomness `r`:
    /// (G^r, Y^r · G^message).
    pub fn encrypt_with(key: &PublicKey, message: u64, r: &Scalar) -> Self {
        Ciphertext {
            alpha: r * RISTRETTO_BASEPOINT_TABLE,
            beta: key.0 * r + &Scalar::from(message) * RISTRETTO_BASEPOINT_TABLE,
        }
    }

    /// Encrypts `message` with fresh randomness; returns the ciphertext and
    /// the randomness r (a proof about the ciphertext needs r; wipe it after).
    pub fn encrypt(
        key: &PublicKey,
        message: u64,
        source: &mut dyn ScalarSource,
    ) -> Result<(Self, Scalar), CryptoError> {
        let r = source.scalar()?;
        Ok((Self::encrypt_with(key, message, &r), r))
    }

    /// The canonical encoding (two 32-byte points).
    pub fn encode(&self) -> EncodedCiphertext {
        EncodedCiphertext {
            alpha: encode_point(&self.alpha),
            beta: encode_point(&self.beta),
        }
    }
}

impl Add for Ciphertext {
    type Output = Ciphertext;

    /// The homomorphic sum: encrypts the sum of both messages.
    fn add(self, other: Ciphertext) -> Ciphertext {
        Ciphertext {
            alpha: self.alpha + other.alpha,
            beta: self.beta + other.beta,
        }
    }
}

impl<'a> Add<&'a Ciphertext> for Ciphertext {
    type Output = Ciphertext;

    fn add(self, other: &'a Ciphertext) -> Ciphertext {
        Ciphertext {
            alpha: self.alpha + other.alpha,
            beta: self.beta + other.beta,
        }
    }
}

impl std::iter::Sum for Ciphertext {
    fn sum<I: Iterator<Item = Ciphertext>>(iter: I) -> Self {
        iter.fold(Ciphertext::zero(), Add::add)
    }
}

impl<'a> std::iter::Sum<&'a Ciphertext> for Ciphertext {
    fn sum<I: Iterator<Item = &'a Ciphertext>>(iter: I) -> Self {
        iter.fold(Ciphertext::zero(), |sum, c| sum + c)
    }
}

impl From<Ciphertext> for crate::threshold::CiphertextPair {
    /// The same ciphertext in the trustees' tally-input file.
    fn from(c: Ciphertext) -> Self {
        crate::threshold::CiphertextPair {
            alpha: c.alpha,
            beta: c.beta,
        }
    }
}

impl From<&crate::threshold::CiphertextPair> for Ciphertext {
    /// A ciphertext from the trustees' files.
    fn from(c: &crate::threshold::CiphertextPair) -> Self {
        Ciphertext {
            alpha: c.alpha,
            beta: c.beta,
        }
    }
}

/// A ciphertext as published: the 32-byte encodings of α and β, written in
/// JSON as `{"alpha": base64url, "beta": base64url}`. Decoding checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncodedCiphertext {
    /// Encoding of α.
    #[serde(with = "crate::base64url::array")]
    pub alpha: [u8; 32],
    /// Encoding of β.
    #[serde(with = "crate::base64url::array")]
    pub beta: [u8; 32],
}

impl EncodedCiphertext {
    /// Decodes both points: each must be a canonical encoding, and α must not
    /// be the identity (it would mean r = 0, a ciphertext that shows its
    /// message).
    pub fn decode(&self) -> Result<Ciphertext, CryptoError> {
        Ok(Ciphertext {
            alpha: decode_public_point(&self.alpha)?,
            beta: decode_point(&self.beta)?,
        })
    }
}

/// The largest `max` [`discrete_log`] searches (2^40; larger bounds are
/// lowered to it, keeping its table near a million entries).
pub const MAX_DISCRETE_LOG: u64 = 1 << 40;

/// Finds m in 0..=max with G^m = `point` (baby-step giant-step: about
/// 2·√max point operations and a table of √max entries), or `None`.
///
/// A million takes a few milliseconds; tallies call it once per option.
pub fn discrete_log(point: &Point, max: u64) -> Option<u64> {
    let max = max.min(MAX_DISCRETE_LOG);
    // Baby steps: G^j for j < m, keyed by encoding.
    let steps = integer_sqrt(max).saturating_add(1);
    let g = generator();
    let mut table: HashMap<[u8; 32], u64> = HashMap::with_capacity(steps as usize);
    let mut current = Point::identity();
    for j in 0..steps {
        table.entry(encode_point(&current)).or_insert(j);
        current += g;
    }
    // current = G^steps; giant steps subtract it.
    let giant = current;
    let mut target = *point;
    let mut i: u64 = 0;
    loop {
        let base = i.checked_mul(steps)?;
        if base > max {
            return None;
        }
        if let Some(j) = table.get(&encode_point(&target)) {
            let m = base + j;
            return (m <= max).then_some(m);
        }
        target -= giant;
        i += 1;
    }
}

fn integer_sqrt(n: u64) -> u64 {
    let mut root = (n as f64).sqrt() as u64;
    while root.checked_mul(root).is_none_or(|square| square > n) {
        root -= 1;
    }
    while (root + 1)
        .checked_mul(root + 1)
        .is_some_and(|square| square <= n)
    {
        root += 1;
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::SeededScalars;

    #[test]
    fn encryption_decrypts_and_adds_homomorphically() {
        let mut source = SeededScalars::new(b"elgamal");
        let key = SecretKey::generate(&mut source).unwrap();
        let public = key.public();
        let messages = [0u64, 1, 1, 0, 1, 7];
        let ciphertexts: Vec<Ciphertext> = messages
            .iter()
            .map(|m| Ciphertext::encrypt(&public, *m, &mut source).unwrap().0)
            .collect();
        for (m, c) in messages.iter().zip(&ciphertexts) {
            assert_eq!(key.decrypt(c, 10), Some(*m));
        }
        let sum: Ciphertext = ciphertexts.iter().sum();
        assert_eq!(key.decrypt(&sum, 100), Some(10));
        assert_eq!(key.decrypt(&sum, 9), None);
        // Two encryptions of the same message differ.
        assert_ne!(ciphertexts[1], ciphertexts[2]);
    }

    #[test]
    fn encoded_ciphertexts_round_trip_and_refuse_bad_points() {
        let mut source = SeededScalars::new(b"encode");
        let public = SecretKey::generate(&mut source).unwrap().public();
        let (c, _) = Ciphertext::encrypt(&public, 1, &mut source).unwrap();
        let encoded = c.encode();
        assert_eq!(encoded.decode().unwrap(), c);
        let json = serde_json::to_string(&encoded).unwrap();
        assert_eq!(
            serde_json::from_str::<EncodedCiphertext>(&json).unwrap(),
            encoded
        );
        let mut bad = encoded;
        bad.alpha[0] |= 1; // a negative field element is never canonical
        assert!(bad.decode().is_err());
        let mut bad = encoded;
        bad.beta = [0xff; 32];
        assert!(bad.decode().is_err());
        let mut bad = encoded;
        bad.alpha = [0; 32]; // identity α: r = 0
        assert!(bad.decode().is_err());
        let pair = crate::threshold::CiphertextPair::from(c);
        assert_eq!(Ciphertext::from(&pair), c);
        assert!(PublicKey::from_bytes(&[0; 32]).is_err());
        assert_eq!(PublicKey::from_base64(&public.to_base64()).unwrap(), public);
    }

    #[test]
    fn discrete_log_finds_small_and_large_values_and_refuses_beyond_max() {
        for m in [0u64, 1, 2, 999, 1000, 1001, 400_000, 1_000_000] {
            let point = &Scalar::from(m) * RISTRETTO_BASEPOINT_TABLE;
            assert_eq!(discrete_log(&point, 1_000_000), Some(m), "{m}");
        }
        let point = &Scalar::from(1_000_001u64) * RISTRETTO_BASEPOINT_TABLE;
        assert_eq!(discrete_log(&point, 1_000_000), None);
        assert_eq!(discrete_log(&generator(), 0), None);
        assert_eq!(discrete_log(&Point::identity(), 0), Some(0));
        assert_eq!(integer_sqrt(u64::MAX), u32::MAX as u64);
    }
}
