//! Keyed tags (HMAC-SHA256) bound to a purpose, e.g. CSRF tokens derived
//! from the session cookie so that a forged form cannot carry a valid one.

use crate::CryptoError;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::hmac;

/// The server's secret key for keyed tags. Several app instances share it
/// through configuration; it never leaves the process otherwise.
#[derive(Clone)]
pub struct MacKey(hmac::Key);

impl MacKey {
    /// Reads a key from standard base64 of at least 32 bytes.
    pub fn from_base64(encoded: &str) -> Result<MacKey, CryptoError> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| CryptoError::InvalidKey("not base64"))?;
        if bytes.len() < 32 {
            return Err(CryptoError::InvalidKey("shorter than 32 bytes"));
        }
        Ok(MacKey(hmac::Key::new(hmac::HMAC_SHA256, &bytes)))
    }

    /// Makes a new random key and returns it with its base64 form to persist.
    pub fn generate() -> Result<(MacKey, String), CryptoError> {
        let mut bytes = [0u8; 32];
        crate::fill_random(&mut bytes)?;
        let encoded = STANDARD.encode(bytes);
        Ok((MacKey(hmac::Key::new(hmac::HMAC_SHA256, &bytes)), encoded))
    }

    /// The tag for `message` under `purpose`, URL-safe base64. The purpose
    /// separates domains so a tag made for one use is worthless for another.
    pub fn tag(&self, purpose: &str, message: &str) -> String {
        let mut ctx = hmac::Context::with_key(&self.0);
        ctx.update(purpose.as_bytes());
        ctx.update(&[0]);
        ctx.update(message.as_bytes());
        URL_SAFE_NO_PAD.encode(ctx.sign().as_ref())
    }

    /// Checks a presented tag in constant time.
    pub fn verify(&self, purpose: &str, message: &str, presented: &str) -> bool {
        let Ok(presented) = URL_SAFE_NO_PAD.decode(presented) else {
            return false;
        };
        let mut data = Vec::with_capacity(purpose.len() + 1 + message.len());
        data.extend_from_slice(purpose.as_bytes());
        data.push(0);
        data.extend_from_slice(message.as_bytes());
        hmac::verify(&self.0, &data, &presented).is_ok()
    }
}

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_verify_only_for_same_purpose_and_message() {
        let (key, encoded) = MacKey::generate().unwrap();
        let tag = key.tag("csrf", "session-1");
        assert!(key.verify("csrf", "session-1", &tag));
        assert!(!key.verify("csrf", "session-2", &tag));
        assert!(!key.verify("other", "session-1", &tag));
        assert!(!key.verify("csrf", "session-1", "garbage!"));
        let same = MacKey::from_base64(&encoded).unwrap();
        assert!(same.verify("csrf", "session-1", &tag));
    }

    #[test]
    fn short_or_bad_keys_are_refused() {
        assert!(MacKey::from_base64("c2hvcnQ=").is_err());
        assert!(MacKey::from_base64("***").is_err());
    }
}
