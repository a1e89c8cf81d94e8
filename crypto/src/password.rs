//! Password hashing with Argon2id in the PHC string format.
//!
//! Parameters follow the OWASP recommendation for Argon2id (19 MiB memory,
//! two passes, one lane); the PHC string stores them, so raising them later
//! keeps old hashes verifiable.

use crate::{CryptoError, SecretString};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Result<Argon2<'static>, CryptoError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|_| CryptoError::Hashing)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with a fresh random salt; returns the PHC string to store.
pub fn hash(password: &SecretString) -> Result<String, CryptoError> {
    let mut salt = [0u8; 16];
    crate::fill_random(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| CryptoError::Hashing)?;
    hasher()?
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| CryptoError::Hashing)
}

/// Checks a password against a stored PHC string in constant time.
/// A malformed stored hash is an error, not a silent mismatch.
pub fn verify(password: &SecretString, stored: &str) -> Result<bool, CryptoError> {
    let parsed = PasswordHash::new(stored).map_err(|_| CryptoError::MalformedHash)?;
    Ok(hasher()?
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok())
}

/// The name of [`derive_key`]'s function and parameters, written into files
/// it protects so that a later change of parameters is noticed.
pub const KEY_DERIVATION: &str = "argon2id-v19-m19456-t2-p1";

/// Derives a 32-byte key from a passphrase and a salt (at least 8 bytes)
/// with the login parameters above (Argon2id, RFC 9106). For secrets that a
/// person keeps in a file, such as a trustee's private file.
pub fn derive_key(
    passphrase: &SecretString,
    salt: &[u8],
) -> Result<zeroize::Zeroizing<[u8; 32]>, CryptoError> {
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    hasher()?
        .hash_password_into(passphrase.expose().as_bytes(), salt, key.as_mut())
        .map_err(|_| CryptoError::Hashing)?;
    Ok(key)
}

/// A hash of a random password that nobody knows. Verifying against it costs
/// as much as a real check, so a login for an unknown name takes as long as
/// one with a wrong password and does not reveal which names exist.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zv2Oa3Tz8m0b3PS0I8Ntsa5NDexn30yNGSb0VnqwwYk"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let pw = SecretString::new("correct horse".into());
        let stored = hash(&pw).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&pw, &stored).unwrap());
        assert!(!verify(&SecretString::new("wrong".into()), &stored).unwrap());
    }

    #[test]
    fn salts_differ() {
        let pw = SecretString::new("same".into());
        assert_ne!(hash(&pw).unwrap(), hash(&pw).unwrap());
    }

    #[test]
    fn derived_keys_depend_on_passphrase_and_salt() {
        let pw = SecretString::new("trustee passphrase".into());
        let a = derive_key(&pw, b"salt-salt-salt-1").unwrap();
        assert_eq!(*a, *derive_key(&pw, b"salt-salt-salt-1").unwrap());
        assert_ne!(*a, *derive_key(&pw, b"salt-salt-salt-2").unwrap());
        let other = SecretString::new("trustee passphrasf".into());
        assert_ne!(*a, *derive_key(&other, b"salt-salt-salt-1").unwrap());
    }

    #[test]
    fn malformed_hash_is_an_error() {
        let pw = SecretString::new("x".into());
        assert_eq!(verify(&pw, "not a hash"), Err(CryptoError::MalformedHash));
    }

    #[test]
    fn decoy_hash_parses_and_matches_nothing_common() {
        for guess in ["", "password", "demo", "admin"] {
            assert!(!verify(&SecretString::new(guess.into()), decoy_hash()).unwrap());
        }
    }
}
