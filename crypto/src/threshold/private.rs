//! The trustee's private file: its keys and, after the check step, its key
//! share, sealed under a passphrase. It never leaves the trustee's machine.
//!
//! File (canonical JSON): `format` `"votum-trustee-private"`, `version` 1,
//! `ceremony` (fingerprint), `name`, `signing_key` (public, so the trustee
//! and the tool can tell files apart), `kdf` ([`crate::password::KEY_DERIVATION`]),
//! `salt` (16 random bytes), `sealed`. The key is Argon2id of the
//! passphrase and the salt ([`crate::password::derive_key`]); `sealed` is
//! [`crate::seal`]'s ChaCha20-Poly1305 of the canonical JSON of the secrets,
//! with the context `b"votum-trustee-private-v2\0"` || ceremony fingerprint
//! || signing key. A wrong passphrase or any altered byte does not open.

use super::ceremony::{TrusteeIdentity, TrusteeShare};
use super::encoding;
use super::files::{self, CeremonyFile, TrusteeFile, TrusteeKey, VERSION};
use super::ThresholdError;
use crate::group::{Point, Scalar};
use crate::seal::SealingKey;
use crate::SecretString;
use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// What a trustee keeps: ceremony, name, keys and, once checked, the share.
#[derive(Debug)]
pub struct PrivateState {
    /// The ceremony.
    pub ceremony: CeremonyFile,
    /// The trustee's name in its certificate.
    pub name: String,
    /// The trustee's keys.
    pub identity: TrusteeIdentity,
    /// The key share, after the check step.
    pub share: Option<TrusteeShare>,
}

impl PrivateState {
    /// The key share, or [`ThresholdError::NoShareYet`].
    pub fn share(&self) -> Result<&TrusteeShare, ThresholdError> {
        self.share.as_ref().ok_or(ThresholdError::NoShareYet)
    }
}

/// The outer file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivateFile {
    format: String,
    version: u64,
    #[serde(with = "crate::base64url::array")]
    ceremony: [u8; 32],
    name: String,
    signing_key: TrusteeKey,
    kdf: String,
    #[serde(with = "crate::base64url::array")]
    salt: [u8; 16],
    sealed: String,
}

impl TrusteeFile for PrivateFile {
    const FORMAT: &'static str = "votum-trustee-private";
    const WHAT: &'static str = "private file";
}

/// The sealed inner part.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Secrets {
    ceremony: CeremonyFile,
    #[serde(with = "crate::base64url::array")]
    signing_seed: [u8; 32],
    #[serde(with = "encoding::scalar")]
    encryption_secret: Scalar,
    share: Option<ShareSecrets>,
}

impl Drop for Secrets {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.signing_seed);
        zeroize::Zeroize::zeroize(&mut self.encryption_secret);
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareSecrets {
    index: u32,
    #[serde(with = "encoding::scalar")]
    secret: Scalar,
    #[serde(with = "encoding::point")]
    verification_key: Point,
    #[serde(with = "encoding::point")]
    public_key: Point,
    #[serde(with = "crate::base64url::array")]
    roster: [u8; 32],
}

impl Drop for ShareSecrets {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

fn context(ceremony: &[u8; 32], key: &TrusteeKey) -> Vec<u8> {
    let mut context = b"votum-trustee-private-v2\0".to_vec();
    context.extend_from_slice(ceremony);
    context.extend_from_slice(key.as_bytes());
    context
}

fn sealing_key(passphrase: &SecretString, salt: &[u8; 16]) -> Result<SealingKey, ThresholdError> {
    let key = crate::password::derive_key(passphrase, salt)?;
    let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(key.as_ref()));
    Ok(SealingKey::from_base64("trustee", &encoded)?)
}

/// The private file's text for `state`, sealed under `passphrase` with a
/// fresh salt.
pub fn seal_private(
    state: &PrivateState,
    passphrase: &SecretString,
) -> Result<String, ThresholdError> {
    let mut salt = [0u8; 16];
    crate::fill_random(&mut salt)?;
    let secrets = Secrets {
        ceremony: state.ceremony.clone(),
        signing_seed: *state.identity.signing_seed(),
        encryption_secret: state.identity.encryption_secret(),
        share: state.share.as_ref().map(|share| ShareSecrets {
            index: share.index,
            secret: *share.secret(),
            verification_key: share.verification_key,
            public_key: share.public_key,
            roster: share.roster,
        }),
    };
    let plain = Zeroizing::new(crate::canonical::to_canonical(&secrets));
    let fingerprint = state.ceremony.fingerprint();
    let signing_key = state.identity.signing_key();
    let sealed =
        sealing_key(passphrase, &salt)?.seal(&plain, &context(&fingerprint, &signing_key))?;
    let (format, version) = files::new_header::<PrivateFile>();
    Ok(files::to_json(&PrivateFile {
        format,
        version,
        ceremony: fingerprint,
        name: state.name.clone(),
        signing_key,
        kdf: crate::password::KEY_DERIVATION.to_owned(),
        salt,
        sealed,
    }))
}

/// Opens a private file with its passphrase.
pub fn open_private(
    bytes: &[u8],
    passphrase: &SecretString,
) -> Result<PrivateState, ThresholdError> {
    let file: PrivateFile = files::from_json(bytes)?;
    debug_assert_eq!(file.version, VERSION);
    if file.kdf != crate::password::KEY_DERIVATION {
        return Err(ThresholdError::Malformed {
            what: PrivateFile::WHAT,
            reason: format!("unknown key derivation {:?}", file.kdf),
        });
    }
    let plain = Zeroizing::new(
        sealing_key(passphrase, &file.salt)?
            .open(&file.sealed, &context(&file.ceremony, &file.signing_key))
            .map_err(|_| ThresholdError::Passphrase)?,
    );
    let secrets: Secrets =
        serde_json::from_slice(&plain).map_err(|_| ThresholdError::Passphrase)?;
    let identity = TrusteeIdentity::from_secrets(&secrets.signing_seed, secrets.encryption_secret);
    if secrets.ceremony.fingerprint() != file.ceremony || identity.signing_key() != file.signing_key
    {
        return Err(ThresholdError::Passphrase);
    }
    let share = match &secrets.share {
        None => None,
        Some(s) => {
            let share =
                TrusteeShare::restore(s.index, s.secret, s.public_key, file.ceremony, s.roster);
            if share.verification_key != s.verification_key {
                return Err(ThresholdError::Passphrase);
            }
            Some(share)
        }
    };
    Ok(PrivateState {
        ceremony: secrets.ceremony.clone(),
        name: file.name,
        identity,
        share,
    })
}
