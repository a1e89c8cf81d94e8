//! The ed25519 plumbing shared by credentials and ballot boxes: signatures,
//! public keys with their text form, and strict verification.
//!
//! Verification is `verify_strict` from `ed25519-dalek`: it refuses
//! non-canonical signatures and small-order (weak) public keys, so one signed
//! message has exactly one accepted signature per key and nobody can make a
//! key under which many messages verify.

use crate::{base64url, CryptoError};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ed25519 signature (64 bytes), by a credential key or a ballot box key.
/// Text form: URL-safe base64 without padding (86 characters).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    /// URL-safe base64 without padding.
    pub fn to_base64(&self) -> String {
        base64url::encode(&self.0)
    }

    /// Reads the form written by [`Signature::to_base64`]. Whether the bytes
    /// are a valid signature is only known when verifying.
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        base64url::decode_array(text).map(Signature)
    }

    /// The raw 64 bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({})", self.to_base64())
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        base64url::array::deserialize(deserializer).map(Signature)
    }
}

/// Signs `message` with the key whose seed is `key`.
pub(crate) fn sign(key: &SigningKey, message: &[u8]) -> Signature {
    Signature(key.sign(message).to_bytes())
}

/// Strict ed25519 verification of `signature` on `message` under `public`.
pub(crate) fn verify(public: &[u8; 32], message: &[u8], signature: &Signature) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
    key.verify_strict(message, &signature).is_ok()
}

/// Checks that 32 bytes are the encoding of a curve point, i.e. could be a
/// public key at all.
pub(crate) fn check_point(public: &[u8; 32]) -> Result<(), CryptoError> {
    VerifyingKey::from_bytes(public)
        .map(|_| ())
        .map_err(|_| CryptoError::InvalidKey("not an ed25519 public key"))
}

/// Whether 32 bytes are the *canonical* encoding of a curve point that is
/// not of small order (RFC 8032 §5.1.3 decoding, then re-encoding gives the
/// same bytes): refuses y ≥ p, a sign bit set on x = 0, and the eight
/// small-order points. `VerifyingKey::from_bytes` alone accepts some
/// non-canonical encodings, so the bytes are compared after re-encoding.
pub(crate) fn is_canonical_point(public: &[u8; 32]) -> bool {
    use curve25519_dalek::edwards::CompressedEdwardsY;
    CompressedEdwardsY(*public)
        .decompress()
        .is_some_and(|point| point.compress().to_bytes() == *public && !point.is_small_order())
}

/// Defines a 32-byte ed25519 public key type with its text form, strict
/// verification, serde as a base64url string, and ordering.
macro_rules! public_key_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            /// URL-safe base64 without padding (43 characters).
            pub fn to_base64(&self) -> String {
                $crate::base64url::encode(&self.0)
            }

            /// Reads the form written by `to_base64`; refuses anything that
            /// is not canonical base64url of 32 bytes encoding a curve point.
            pub fn from_base64(text: &str) -> Result<Self, $crate::CryptoError> {
                let bytes = $crate::base64url::decode_array(text)?;
                $crate::ed25519::check_point(&bytes)?;
                Ok($name(bytes))
            }

            /// The raw 32 bytes.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// Whether the bytes encode a curve point, i.e. could be a
            /// public key at all ([`Self::from_base64`] checks this).
            pub fn is_point(&self) -> bool {
                $crate::ed25519::check_point(&self.0).is_ok()
            }

            /// Whether the bytes are the canonical encoding of a point not of
            /// small order: the strict check of record version 2 (a
            /// non-canonical encoding, y ≥ p, is refused although
            /// [`Self::is_point`] accepts some).
            pub fn is_canonical_point(&self) -> bool {
                $crate::ed25519::is_canonical_point(&self.0)
            }

            /// Whether `signature` is a valid signature of `message` under
            /// this key (strict ed25519 verification).
            pub fn verify(&self, message: &[u8], signature: &$crate::ed25519::Signature) -> bool {
                $crate::ed25519::verify(&self.0, message, signature)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.to_base64())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_base64())
            }
        }

        /// Reads canonical base64url of 32 bytes *without* checking that
        /// they encode a curve point: decompressing is the expensive part
        /// of reading a large record, and every use checks anyway
        /// (verification fails for a non-point; the record verifier checks
        /// each listed credential once, with [`Self::is_point`]).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::base64url::array::deserialize(deserializer).map($name)
            }
        }
    };
}
pub(crate) use public_key_type;

#[cfg(test)]
mod tests {
    use super::is_canonical_point;

    #[test]
    fn non_canonical_and_small_order_encodings_are_refused() {
        let base = curve25519_dalek::constants::ED25519_BASEPOINT_POINT
            .compress()
            .to_bytes();
        assert!(is_canonical_point(&base));
        // y = 1: the identity, of small order.
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(!is_canonical_point(&one));
        // A canonical point of large order, then the same y + p, which is
        // ≥ p: find a y < 19 on the curve whose y + p still fits in 255 bits.
        let mut found = false;
        for y in 2u8..19 {
            let mut canonical = [0u8; 32];
            canonical[0] = y;
            if !is_canonical_point(&canonical) {
                continue;
            }
            // p = 2^255 - 19; y + p as 32 little-endian bytes.
            let mut shifted = [0xffu8; 32];
            shifted[0] = 0xed + y;
            shifted[31] = 0x7f;
            assert!(ed25519_dalek::VerifyingKey::from_bytes(&shifted).is_ok());
            assert!(!is_canonical_point(&shifted), "y = {y} + p");
            found = true;
        }
        assert!(found, "some small y is on the curve");
    }
}
