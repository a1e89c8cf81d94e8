//! Random bearer tokens (session cookies, password-reset links).
//!
//! The server stores only the SHA-256 digest of a token, so a database dump
//! does not hand out live sessions or reset links.

use crate::{CryptoError, SecretString};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A freshly made token: the secret to give out and the digest to store.
#[derive(Debug)]
pub struct Token {
    /// The bearer secret (URL-safe base64 of 32 random bytes).
    pub secret: SecretString,
    /// Hex SHA-256 of the secret, the only form that is stored.
    pub digest: String,
}

impl Token {
    /// Makes a new 256-bit token.
    pub fn generate() -> Result<Token, CryptoError> {
        let mut bytes = [0u8; 32];
        crate::fill_random(&mut bytes)?;
        let secret = SecretString::new(URL_SAFE_NO_PAD.encode(bytes));
        let digest = digest(secret.expose());
        Ok(Token { secret, digest })
    }
}

/// The stored form of a presented token.
pub fn digest(secret: &str) -> String {
    crate::hex(&crate::sha256(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_stable_and_secret_is_long() {
        let t = Token::generate().unwrap();
        assert_eq!(t.secret.expose().len(), 43);
        assert_eq!(t.digest, digest(t.secret.expose()));
        assert_ne!(t.digest, Token::generate().unwrap().digest);
    }
}
