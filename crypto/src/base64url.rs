//! The one byte encoding of Votum's public artefacts (credentials, signatures,
//! hashes, receipts, election records): base64 with the URL-safe alphabet
//! (RFC 4648 §5) and no padding.
//!
//! Decoding is strict: padding, characters outside the alphabet and non-zero
//! trailing bits are refused, so every byte string has exactly one accepted
//! text form. A verifier hashing re-serialised records depends on that.

use crate::CryptoError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Encodes bytes as URL-safe base64 without padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes URL-safe base64 without padding, refusing any non-canonical form.
pub fn decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| CryptoError::Encoding("not canonical URL-safe base64 without padding"))
}

/// Decodes exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], CryptoError> {
    let bytes = decode(text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| CryptoError::Encoding("wrong length"))
}

/// Serde helpers for `[u8; N]` fields written as base64url strings:
/// `#[serde(with = "votum_crypto::base64url::array")]`.
pub mod array {
    use serde::{Deserializer, Serializer};

    /// Writes the bytes as a base64url string.
    pub fn serialize<S: Serializer, const N: usize>(
        bytes: &[u8; N],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::encode(bytes))
    }

    /// Reads a base64url string of exactly `N` bytes, without copying the
    /// string where the format lends it (records hold millions of these).
    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        deserializer: D,
    ) -> Result<[u8; N], D::Error> {
        deserializer.deserialize_str(ArrayVisitor::<N>)
    }

    struct ArrayVisitor<const N: usize>;

    impl<const N: usize> serde::de::Visitor<'_> for ArrayVisitor<N> {
        type Value = [u8; N];

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a base64url string of {N} bytes")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<[u8; N], E> {
            super::decode_array(text).map_err(E::custom)
        }
    }
}

/// Serde helpers for `Vec<[u8; N]>` fields written as a JSON array of
/// base64url strings: `#[serde(with = "votum_crypto::base64url::array_list")]`.
pub mod array_list {
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Item<const N: usize>(#[serde(with = "super::array")] [u8; N]);

    /// Writes the list as an array of base64url strings.
    pub fn serialize<S: Serializer, const N: usize>(
        list: &[[u8; N]],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(list.len()))?;
        for bytes in list {
            seq.serialize_element(&Item(*bytes))?;
        }
        seq.end()
    }

    /// Reads an array of base64url strings of exactly `N` bytes each.
    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        deserializer: D,
    ) -> Result<Vec<[u8; N]>, D::Error> {
        let items = Vec::<Item<N>>::deserialize(deserializer)?;
        Ok(items.into_iter().map(|item| item.0).collect())
    }
}

/// Serde helpers for `Vec<u8>` fields written as base64url strings:
/// `#[serde(with = "votum_crypto::base64url::bytes")]`.
pub mod bytes {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the bytes as a base64url string.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::encode(bytes))
    }

    /// Reads a base64url string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::decode(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strictness() {
        let bytes = [0xfbu8, 0xff, 0x01];
        assert_eq!(encode(&bytes), "-_8B");
        assert_eq!(decode("-_8B").unwrap(), bytes);
        // Padding, the standard alphabet and set trailing bits are refused.
        assert!(decode("-_8=").is_err());
        assert!(decode("+/8B").is_err());
        assert!(decode("AB").is_err()); // "AA" is the canonical form of [0x00]
        assert_eq!(decode("AA").unwrap(), [0u8]);
        assert!(decode_array::<2>("-_8B").is_err());
        assert_eq!(decode_array::<3>("-_8B").unwrap(), bytes);
    }
}
