//! Sealing secrets at rest (box key seeds, bank details) with an AEAD:
//! ChaCha20-Poly1305 from ring, a fresh random 96-bit nonce per value, and a
//! caller-chosen context as associated data.
//!
//! Sealed text is `<key id>:<base64url(nonce || ciphertext || tag)>`. The key
//! id names the configured key, so keys can be rotated: values sealed under
//! an old key still say which key opens them. The context binds a value to
//! its place (e.g. `b"box-key\0" || ballot_id`), so a sealed value copied to
//! another row or column does not open there.

use crate::{base64url, CryptoError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use zeroize::Zeroizing;

/// An AEAD key with its id. `Debug` hides the key. (ring keeps its own
/// copy of the key schedule and does not wipe it on drop; the base64 input
/// and the decoded bytes are wiped.)
pub struct SealingKey {
    id: String,
    key: LessSafeKey,
}

impl SealingKey {
    /// A key from its id and 32 bytes in standard base64 (the configuration
    /// form). The id must be non-empty, without `:` and whitespace.
    pub fn from_base64(id: &str, key_b64: &str) -> Result<SealingKey, CryptoError> {
        if id.is_empty() || id.contains(':') || id.chars().any(char::is_whitespace) {
            return Err(CryptoError::InvalidKey(
                "a key id is non-empty, without ':' and spaces",
            ));
        }
        let bytes = Zeroizing::new(
            STANDARD
                .decode(key_b64.trim())
                .map_err(|_| CryptoError::InvalidKey("not base64"))?,
        );
        if bytes.len() != 32 {
            return Err(CryptoError::InvalidKey("a sealing key has 32 bytes"));
        }
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, &bytes)
            .map_err(|_| CryptoError::InvalidKey("rejected by ChaCha20-Poly1305"))?;
        Ok(SealingKey {
            id: id.to_owned(),
            key: LessSafeKey::new(unbound),
        })
    }

    /// A new random key with id `id`, returned with its base64 form to put
    /// into the configuration.
    pub fn generate(id: &str) -> Result<(SealingKey, String), CryptoError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        crate::fill_random(bytes.as_mut())?;
        let encoded = STANDARD.encode(bytes.as_ref());
        Ok((SealingKey::from_base64(id, &encoded)?, encoded))
    }

    /// The key id written before the `:` of every value it seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Seals `plaintext` bound to `context`; returns `"<id>:<base64url>"`.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        crate::fill_random(&mut nonce)?;
        let mut buffer = Vec::with_capacity(NONCE_LEN + plaintext.len() + 16);
        buffer.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut body,
            )
            .map_err(|_| CryptoError::InvalidKey("sealing failed"))?;
        buffer.extend_from_slice(&body);
        Ok(format!("{}:{}", self.id, base64url::encode(&buffer)))
    }

    /// Opens a value sealed by [`SealingKey::seal`] with this key and the
    /// same `context`. Any other key id, context or any altered character
    /// gives [`CryptoError::Unseal`].
    pub fn open(&self, sealed: &str, context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (id, body) = sealed.split_once(':').ok_or(CryptoError::Unseal)?;
        if id != self.id {
            return Err(CryptoError::Unseal);
        }
        let bytes = base64url::decode(body).map_err(|_| CryptoError::Unseal)?;
        let (nonce, ciphertext) = bytes
            .split_at_checked(NONCE_LEN)
            .ok_or(CryptoError::Unseal)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Unseal)?;
        let mut ciphertext = ciphertext.to_vec();
        let plaintext = self
            .key
            .open_in_place(nonce, Aad::from(context), &mut ciphertext)
            .map_err(|_| CryptoError::Unseal)?;
        Ok(plaintext.to_vec())
    }
}

/// The key id of a sealed value, to pick the key that opens it.
pub fn sealed_key_id(sealed: &str) -> Option<&str> {
    sealed.split_once(':').map(|(id, _)| id)
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealingKey({}, <redacted>)", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_fresh_nonces() {
        let (key, encoded) = SealingKey::generate("k1").unwrap();
        let sealed = key
            .seal(b"DE89 3704 0044 0532 0130 00", b"iban\0m-7")
            .unwrap();
        assert!(sealed.starts_with("k1:"));
        assert_eq!(sealed_key_id(&sealed), Some("k1"));
        assert_eq!(
            key.open(&sealed, b"iban\0m-7").unwrap(),
            b"DE89 3704 0044 0532 0130 00"
        );
        let again = key
            .seal(b"DE89 3704 0044 0532 0130 00", b"iban\0m-7")
            .unwrap();
        assert_ne!(sealed, again);
        let same = SealingKey::from_base64("k1", &encoded).unwrap();
        assert_eq!(
            same.open(&again, b"iban\0m-7").unwrap(),
            b"DE89 3704 0044 0532 0130 00"
        );
        assert_eq!(key.open(&key.seal(b"", b"").unwrap(), b"").unwrap(), b"");
        assert_eq!(format!("{key:?}"), "SealingKey(k1, <redacted>)");
    }

    #[test]
    fn wrong_key_or_context_is_refused() {
        let (key, encoded) = SealingKey::generate("k1").unwrap();
        let (other, _) = SealingKey::generate("k1").unwrap();
        let renamed = SealingKey::from_base64("k2", &encoded).unwrap();
        let sealed = key.seal(b"secret", b"ctx").unwrap();
        assert_eq!(other.open(&sealed, b"ctx"), Err(CryptoError::Unseal));
        assert_eq!(renamed.open(&sealed, b"ctx"), Err(CryptoError::Unseal));
        assert_eq!(key.open(&sealed, b"ctx2"), Err(CryptoError::Unseal));
        assert_eq!(key.open(&sealed, b""), Err(CryptoError::Unseal));
        assert_eq!(key.open("no colon", b"ctx"), Err(CryptoError::Unseal));
        assert_eq!(key.open("k1:AAAA", b"ctx"), Err(CryptoError::Unseal));
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let (key, _) = SealingKey::generate("k1").unwrap();
        let sealed = key.seal(b"short", b"ctx").unwrap();
        let (_, body) = sealed.split_once(':').unwrap();
        let bytes = base64url::decode(body).unwrap();
        assert_eq!(bytes.len(), 12 + 5 + 16);
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                let text = format!("k1:{}", base64url::encode(&flipped));
                assert_eq!(
                    key.open(&text, b"ctx"),
                    Err(CryptoError::Unseal),
                    "byte {i}"
                );
            }
        }
        // And every character of the text form.
        for i in 0..sealed.len() {
            for bit in 0..7 {
                let mut text = sealed.clone().into_bytes();
                text[i] ^= 1 << bit;
                if let Ok(text) = String::from_utf8(text) {
                    assert!(key.open(&text, b"ctx").is_err(), "char {i}");
                }
            }
        }
        // A truncated value is refused too.
        assert!(key.open(&sealed[..sealed.len() - 1], b"ctx").is_err());
    }

    #[test]
    fn bad_keys_are_refused() {
        let ok = STANDARD.encode([9u8; 32]);
        assert!(SealingKey::from_base64("", &ok).is_err());
        assert!(SealingKey::from_base64("a:b", &ok).is_err());
        assert!(SealingKey::from_base64("k", &STANDARD.encode([9u8; 16])).is_err());
        assert!(SealingKey::from_base64("k", "***").is_err());
        assert!(SealingKey::from_base64("k", &ok).is_ok());
    }
}
