//! Votum's cryptography. Every primitive comes from `ring` or `argon2`;
//! this crate only chooses parameters and encodings and keeps secrets out of
//! logs.
//!
//! Signatures are ed25519 from `ed25519-dalek`.
//!
//! Modules: [`password`] (Argon2id hashes), [`token`] (random tokens and their
//! stored digests), [`mac`] (keyed tags such as CSRF tokens), [`secret`]
//! (a zeroizing, redacted wrapper for secret strings), [`credential`]
//! (voting codes and the credential keys derived from them), [`ballot_box`]
//! (what voters sign, ballot hashes, the hash chain, receipts, the lot),
//! [`seal`] (AEAD for secrets at rest), [`base64url`] (the byte encoding of
//! every public artefact), [`canonical`] (the one JSON form of every public
//! file).
//!
//! Ballot protocol version 2: [`group`] (Ristretto255, encodings,
//! Fiat-Shamir transcripts), [`elgamal`] (exponential ElGamal, homomorphic
//! sums, discrete logarithm), [`range_proof`] (disjunctive Chaum-Pedersen
//! proofs), [`encrypted_ballot`] (encrypting and verifying a ballot),
//! [`audit`] (the voter's cast-or-audit check of an encryption),
//! [`ballot_batch`] (verifying and adding up many ballots at once),
//! [`threshold`] (the trustees: key generation, partial decryption),
//! [`ranked_ballot`] (ranked ballots: one ciphertext of each option's rank),
//! [`shuffle`] (the trustees' verifiable re-encryption mix).
//!
//! The ballot protocol is specified in `docs/election-record.md`.

#![warn(missing_docs)]

pub mod audit;
pub mod ballot_batch;
pub mod ballot_box;
pub mod base64url;
pub mod canonical;
pub mod credential;
mod ed25519;
pub mod elgamal;
pub mod encrypted_ballot;
pub mod group;
pub mod mac;
pub mod password;
pub mod range_proof;
pub mod ranked_ballot;
pub mod seal;
pub mod secret;
pub mod shuffle;
pub mod threshold;
pub mod token;

pub use ballot_box::{BoxKey, BoxPublicKey, Receipt};
pub use credential::{Code, CodeError, CredentialKey, PublicCredential, Signature};
pub use mac::MacKey;
pub use seal::SealingKey;
pub use secret::SecretString;
pub use token::Token;

/// Errors from this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,
    /// A stored password hash could not be parsed.
    #[error("malformed password hash")]
    MalformedHash,
    /// Hashing a password failed (parameters rejected by argon2).
    #[error("password hashing failed")]
    Hashing,
    /// A key had the wrong length or encoding.
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    /// Text that should hold bytes (base64url, a fixed-size value) did not.
    #[error("malformed encoding: {0}")]
    Encoding(&'static str),
    /// A sealed value could not be opened: another key id, another context,
    /// or altered text.
    #[error("sealed value cannot be opened with this key and context")]
    Unseal,
}

/// Fills `dest` from the operating system's CSPRNG (ring's `SystemRandom`).
pub fn fill_random(dest: &mut [u8]) -> Result<(), CryptoError> {
    use ring::rand::SecureRandom;
    ring::rand::SystemRandom::new()
        .fill(dest)
        .map_err(|_| CryptoError::Random)
}

/// A random positive 63-bit integer, used as a row id that reveals neither
/// order nor count of inserts.
pub fn random_id() -> Result<i64, CryptoError> {
    let mut bytes = [0u8; 8];
    fill_random(&mut bytes)?;
    // Clearing the top bit keeps ids positive in signed 64-bit columns.
    Ok((u64::from_be_bytes(bytes) >> 1) as i64)
}

/// SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// Lower-case hexadecimal encoding, for digests shown to people or stored as text.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_positive_and_differ() {
        let a = random_id().unwrap();
        let b = random_id().unwrap();
        assert!(a >= 0 && b >= 0);
        assert_ne!(a, b);
    }

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
