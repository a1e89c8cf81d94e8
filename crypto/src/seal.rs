//! Sealing secrets at rest (box key seeds, bank details) with an AEAD:
//! ChaCha20-Poly1305 from ring, a fresh random 96-bit nonce per value, and a
//! caller-chosen context as associated data.
//!
//! Sealed text is `<key id>:<base64url(nonce || ciphertext || tag)>`. The key
//! id names the configured key, so keys can be rotated: values sealed under
//! an old key still say which key opens them. The context binds a value to
//! its place (e.g. `b"box-key\0" || ballot_id`), so a sealed value copied to
//! another row or column does not open there.
//!
//! Rotation: a [`SealingKey`] seals under its current key and also holds
//! retired keys ([`SealingKey::with_retired`]) that only open. A value whose
//! key id is not the current one is re-sealed by [`SealingKey::reseal`];
//! once every value is re-sealed the retired key can be dropped.

use crate::{base64url, CryptoError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use zeroize::Zeroizing;

/// An AEAD key with its id, plus the retired keys that still open values
/// sealed before a rotation. `Debug` hides the keys. (ring keeps its own
/// copy of the key schedule and does not wipe it on drop; the base64 input
/// and the decoded bytes are wiped.)
pub struct SealingKey {
    id: String,
    key: LessSafeKey,
    retired: Vec<(String, LessSafeKey)>,
}

fn check_id(id: &str) -> Result<(), CryptoError> {
    if id.is_empty() || id.contains(':') || id.chars().any(char::is_whitespace) {
        return Err(CryptoError::InvalidKey(
            "a key id is non-empty, without ':' and spaces",
        ));
    }
    Ok(())
}

fn aead_key(key_b64: &str) -> Result<LessSafeKey, CryptoError> {
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
    Ok(LessSafeKey::new(unbound))
}

impl SealingKey {
    /// A key from its id and 32 bytes in standard base64 (the configuration
    /// form). The id must be non-empty, without `:` and whitespace.
    pub fn from_base64(id: &str, key_b64: &str) -> Result<SealingKey, CryptoError> {
        check_id(id)?;
        Ok(SealingKey {
            id: id.to_owned(),
            key: aead_key(key_b64)?,
            retired: Vec::new(),
        })
    }

    /// Adds a retired key: it opens values sealed under `id` but never
    /// seals. Its id must differ from the current key's and every other.
    pub fn with_retired(mut self, id: &str, key_b64: &str) -> Result<SealingKey, CryptoError> {
        check_id(id)?;
        if id == self.id || self.retired.iter().any(|(known, _)| known == id) {
            return Err(CryptoError::InvalidKey("a key id is used twice"));
        }
        self.retired.push((id.to_owned(), aead_key(key_b64)?));
        Ok(self)
    }

    /// Whether `sealed` is sealed under the current key.
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed_key_id(sealed) == Some(self.id.as_str())
    }

    /// The value re-sealed under the current key, or `None` when it
    /// already is. Fails like [`SealingKey::open`] on a value no key opens.
    pub fn reseal(&self, sealed: &str, context: &[u8]) -> Result<Option<String>, CryptoError> {
        if self.is_current(sealed) {
            // Still prove it opens: rotation must not vouch for garbage.
            self.open(sealed, context)?;
            return Ok(None);
        }
        let plain = Zeroizing::new(self.open(sealed, context)?);
        Ok(Some(self.seal(&plain, context)?))
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

    /// Opens a value sealed by [`SealingKey::seal`] with the key its id
    /// names (current or retired) and the same `context`. An unknown key id,
    /// another context or any altered character gives
    /// [`CryptoError::Unseal`].
    pub fn open(&self, sealed: &str, context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (id, body) = sealed.split_once(':').ok_or(CryptoError::Unseal)?;
        let key = if id == self.id {
            &self.key
        } else {
            self.retired
                .iter()
                .find(|(known, _)| known == id)
                .map(|(_, key)| key)
                .ok_or(CryptoError::Unseal)?
        };
        let bytes = base64url::decode(body).map_err(|_| CryptoError::Unseal)?;
        let (nonce, ciphertext) = bytes
            .split_at_checked(NONCE_LEN)
            .ok_or(CryptoError::Unseal)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Unseal)?;
        let mut ciphertext = ciphertext.to_vec();
        let plaintext = key
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
        if self.retired.is_empty() {
            write!(f, "SealingKey({}, <redacted>)", self.id)
        } else {
            let retired: Vec<&str> = self.retired.iter().map(|(id, _)| id.as_str()).collect();
            write!(
                f,
                "SealingKey({}, <redacted>, retired {})",
                self.id,
                retired.join(",")
            )
        }
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
    fn rotation_reseals_under_the_current_key() {
        let (old, old_b64) = SealingKey::generate("k1").unwrap();
        let sealed = old.seal(b"DE89370400440532013000", b"bank:7").unwrap();
        let (_, new_b64) = SealingKey::generate("k2").unwrap();
        let ring = SealingKey::from_base64("k2", &new_b64)
            .unwrap()
            .with_retired("k1", &old_b64)
            .unwrap();
        assert!(!ring.is_current(&sealed));
        assert_eq!(
            ring.open(&sealed, b"bank:7").unwrap(),
            b"DE89370400440532013000"
        );
        let resealed = ring.reseal(&sealed, b"bank:7").unwrap().unwrap();
        assert!(resealed.starts_with("k2:"));
        assert!(ring.is_current(&resealed));
        assert_eq!(ring.reseal(&resealed, b"bank:7").unwrap(), None);
        // Without the retired key the new value still opens, the old not.
        let only_new = SealingKey::from_base64("k2", &new_b64).unwrap();
        assert_eq!(
            only_new.open(&resealed, b"bank:7").unwrap(),
            b"DE89370400440532013000"
        );
        assert_eq!(only_new.open(&sealed, b"bank:7"), Err(CryptoError::Unseal));
        // Re-sealing never moves a value to another context.
        assert_eq!(ring.reseal(&sealed, b"bank:8"), Err(CryptoError::Unseal));
        // A retired key under the current id, or twice, is refused.
        assert!(SealingKey::from_base64("k2", &new_b64)
            .unwrap()
            .with_retired("k2", &old_b64)
            .is_err());
        assert!(ring.with_retired("k1", &old_b64).is_err());
    }

    #[test]
    fn retired_key_with_the_wrong_material_is_refused() {
        let (old, _) = SealingKey::generate("k1").unwrap();
        let sealed = old.seal(b"secret", b"ctx").unwrap();
        let (_, wrong) = SealingKey::generate("x").unwrap();
        let (_, new_b64) = SealingKey::generate("k2").unwrap();
        let ring = SealingKey::from_base64("k2", &new_b64)
            .unwrap()
            .with_retired("k1", &wrong)
            .unwrap();
        assert_eq!(ring.open(&sealed, b"ctx"), Err(CryptoError::Unseal));
        assert_eq!(ring.reseal(&sealed, b"ctx"), Err(CryptoError::Unseal));
        assert_eq!(
            format!("{ring:?}"),
            "SealingKey(k2, <redacted>, retired k1)"
        );
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
