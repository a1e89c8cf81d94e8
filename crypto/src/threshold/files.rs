//! The files trustees upload and download. Each is canonical JSON
//! ([`crate::canonical`], election record §2) with members `format` and
//! `version`, optionally followed by one line feed; reading refuses any
//! other byte form, an unknown member, a non-canonical point or scalar.
//!
//! Files a trustee uploads carry `signature`: the trustee's ed25519
//! signature (strict verification) of [`SIGNATURE_TAG`] followed by the
//! canonical JSON of the file without its `signature` member. The `format`
//! member is inside the signed bytes, so a signature of one kind of file
//! never passes for another.

use super::encoding;
use super::proofs::Proof;
use super::ThresholdError;
use crate::canonical;
use crate::ed25519::{public_key_type, Signature};
use crate::group::Point;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Prefix of every message a trustee signs.
pub const SIGNATURE_TAG: &[u8] = b"votum-trustee-file-v2\0";

/// The version every trustee file format has now.
pub const VERSION: u64 = 1;

public_key_type! {
    /// A trustee's ed25519 public key, which signs its files. Text form:
    /// URL-safe base64 without padding.
    TrusteeKey
}

/// A kind of trustee file.
pub trait TrusteeFile: Serialize + DeserializeOwned {
    /// The `format` member.
    const FORMAT: &'static str;
    /// What the file is called in messages.
    const WHAT: &'static str;
}

/// The canonical file text (with a final line feed).
pub fn to_json<T: TrusteeFile>(file: &T) -> String {
    let mut text = String::from_utf8_lossy(&canonical::to_canonical(file)).into_owned();
    text.push('\n');
    text
}

/// SHA-256 of the file's canonical JSON (without the line feed): how one
/// file names another.
pub fn digest<T: TrusteeFile>(file: &T) -> [u8; 32] {
    crate::sha256(&canonical::to_canonical(file))
}

/// The `format` member of a JSON file, if it has one: how the command line
/// tells the files it is given apart.
pub fn format_of(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    value.get("format")?.as_str().map(str::to_owned)
}

/// Reads a file of kind `T`: canonical form, format, version, shape.
pub fn from_json<T: TrusteeFile>(bytes: &[u8]) -> Result<T, ThresholdError> {
    let value = match canonical::parse_canonical(bytes) {
        Some(value) => value,
        None if serde_json::from_slice::<serde_json::Value>(bytes).is_ok() => {
            return Err(ThresholdError::NotCanonical { what: T::WHAT })
        }
        None => {
            return Err(ThresholdError::Malformed {
                what: T::WHAT,
                reason: "not JSON".into(),
            })
        }
    };
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if format != T::FORMAT {
        return Err(ThresholdError::WrongFormat {
            expected: T::FORMAT,
            found: format.to_owned(),
        });
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != VERSION {
        return Err(ThresholdError::UnsupportedVersion {
            what: T::WHAT,
            version,
        });
    }
    serde_json::from_value(value).map_err(|e| ThresholdError::Malformed {
        what: T::WHAT,
        reason: e.to_string(),
    })
}

/// The message a trustee signs for `file`.
pub fn signed_message<T: TrusteeFile>(file: &T) -> Vec<u8> {
    let mut message = SIGNATURE_TAG.to_vec();
    message.extend_from_slice(&canonical::to_canonical_without(file, "signature"));
    message
}

fn format_field<T: TrusteeFile>() -> String {
    T::FORMAT.to_owned()
}

/// The ceremony: which ballot, how many trustees, how many must decrypt.
/// The officers fix it; every other file names it by its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyFile {
    /// `"votum-trustee-ceremony"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ballot id.
    pub ballot: String,
    /// t: how many trustees must take part in decrypting.
    pub threshold: u32,
    /// n: how many trustees there are.
    pub trustees: u32,
}

impl TrusteeFile for CeremonyFile {
    const FORMAT: &'static str = "votum-trustee-ceremony";
    const WHAT: &'static str = "ceremony";
}

impl CeremonyFile {
    /// A ceremony for `ballot` with `threshold` of `trustees`; refuses
    /// t = 0, t > n, n > [`super::MAX_TRUSTEES`], an empty ballot id.
    pub fn new(ballot: &str, threshold: u32, trustees: u32) -> Result<Self, ThresholdError> {
        let file = CeremonyFile {
            format: format_field::<Self>(),
            version: VERSION,
            ballot: ballot.to_owned(),
            threshold,
            trustees,
        };
        file.check()?;
        Ok(file)
    }

    /// The checks of [`CeremonyFile::new`], for a file that was read.
    pub fn check(&self) -> Result<(), ThresholdError> {
        if self.ballot.is_empty() || self.ballot.contains('\0') {
            return Err(ThresholdError::BadCeremony("the ballot id is empty"));
        }
        if self.threshold == 0 {
            return Err(ThresholdError::BadCeremony("the threshold is at least 1"));
        }
        if self.threshold > self.trustees {
            return Err(ThresholdError::BadCeremony(
                "the threshold is more than the number of trustees",
            ));
        }
        if self.trustees > super::MAX_TRUSTEES {
            return Err(ThresholdError::BadCeremony("at most 64 trustees"));
        }
        Ok(())
    }

    /// SHA-256 of the canonical JSON: the *ceremony fingerprint*.
    pub fn fingerprint(&self) -> [u8; 32] {
        digest(self)
    }
}

/// Step 1, uploaded: a trustee's keys, signed by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// `"votum-trustee-certificate"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ceremony fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub ceremony: [u8; 32],
    /// The trustee's name as the officers know it (shown, not trusted).
    pub name: String,
    /// The ed25519 key that signs the trustee's files.
    pub signing_key: TrusteeKey,
    /// P = G^p: the key shares are encrypted to.
    #[serde(with = "encoding::point")]
    pub encryption_key: Point,
    /// Proof of knowledge of p (domain `trustee-encryption-key`).
    pub proof: Proof,
    /// The signature by `signing_key`.
    pub signature: Signature,
}

impl TrusteeFile for Certificate {
    const FORMAT: &'static str = "votum-trustee-certificate";
    const WHAT: &'static str = "certificate";
}

/// One share, encrypted to its receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedShare {
    /// The receiver's index.
    pub to: u32,
    /// R = G^r.
    #[serde(with = "encoding::point")]
    pub ephemeral: Point,
    /// ChaCha20-Poly1305 ciphertext and tag of the share (48 bytes).
    #[serde(with = "crate::base64url::bytes")]
    pub ciphertext: Vec<u8>,
}

/// Step 2, uploaded: one trustee's commitments and its shares for all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareBundle {
    /// `"votum-trustee-shares"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ceremony fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub ceremony: [u8; 32],
    /// The roster hash (all n certificates).
    #[serde(with = "crate::base64url::array")]
    pub roster: [u8; 32],
    /// The sender's index.
    pub trustee: u32,
    /// C_k = G^{a_k}, k = 0 … t−1.
    #[serde(with = "encoding::points")]
    pub commitments: Vec<Point>,
    /// Proof of knowledge of a_0 (domain `trustee-commitment`).
    pub proof: Proof,
    /// f(i) encrypted to trustee i, for i = 1 … n in order.
    pub shares: Vec<EncryptedShare>,
    /// The sender's signature.
    pub signature: Signature,
}

impl TrusteeFile for ShareBundle {
    const FORMAT: &'static str = "votum-trustee-shares";
    const WHAT: &'static str = "share bundle";
}

/// Step 3, uploaded: a trustee checked every share it received and states
/// its verification key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// `"votum-trustee-verification"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ceremony fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub ceremony: [u8; 32],
    /// The roster hash.
    #[serde(with = "crate::base64url::array")]
    pub roster: [u8; 32],
    /// The trustee's index.
    pub trustee: u32,
    /// The digests of the n share bundles it checked, in trustee order.
    #[serde(with = "digests")]
    pub bundles: Vec<[u8; 32]>,
    /// Y_i = G^{x_i}.
    #[serde(with = "encoding::point")]
    pub verification_key: Point,
    /// Proof of knowledge of x_i (domain `trustee-verification-key`).
    pub proof: Proof,
    /// The election public key Y it computed.
    #[serde(with = "encoding::point")]
    pub public_key: Point,
    /// The trustee's signature.
    pub signature: Signature,
}

impl TrusteeFile for Verification {
    const FORMAT: &'static str = "votum-trustee-verification";
    const WHAT: &'static str = "verification";
}

/// One trustee in [`CeremonyKeys`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeEntry {
    /// Its index, from 1.
    pub index: u32,
    /// Its name from the certificate.
    pub name: String,
    /// The key that signs its files.
    pub signing_key: TrusteeKey,
    /// Y_i.
    #[serde(with = "encoding::point")]
    pub verification_key: Point,
}

/// The outcome of a complete ceremony, computed by anyone from the
/// certificates, bundles and verifications
/// ([`super::ceremony::ceremony_keys`]): the election public key and what a
/// verifier needs to check partial decryptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyKeys {
    /// `"votum-trustee-keys"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ceremony fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub ceremony: [u8; 32],
    /// The roster hash.
    #[serde(with = "crate::base64url::array")]
    pub roster: [u8; 32],
    /// t.
    pub threshold: u32,
    /// Y = Π_j C_{j,0}.
    #[serde(with = "encoding::point")]
    pub public_key: Point,
    /// The trustees in index order.
    pub trustees: Vec<TrusteeEntry>,
}

impl TrusteeFile for CeremonyKeys {
    const FORMAT: &'static str = "votum-trustee-keys";
    const WHAT: &'static str = "trustee keys";
}

/// An ElGamal ciphertext (α, β) = (G^r, G^m · Y^r).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiphertextPair {
    /// α = G^r.
    #[serde(with = "encoding::any_point")]
    pub alpha: Point,
    /// β = G^m · Y^r.
    #[serde(with = "encoding::any_point")]
    pub beta: Point,
}

impl CeremonyKeys {
    /// The election public key Y as [`crate::elgamal`]'s key type, to
    /// encrypt ballots under.
    pub fn election_key(&self) -> Result<crate::elgamal::PublicKey, ThresholdError> {
        Ok(crate::elgamal::PublicKey::from_point(self.public_key)?)
    }
}

/// Downloaded for step 4: what the trustees decrypt (one ciphertext per
/// option: the homomorphic sums of the tally).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyInput {
    /// `"votum-tally-input"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ballot id.
    pub ballot: String,
    /// The election fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub election: [u8; 32],
    /// The ceremony fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub ceremony: [u8; 32],
    /// The election public key Y.
    #[serde(with = "encoding::point")]
    pub public_key: Point,
    /// The ciphertexts, in the order of the election's options.
    pub ciphertexts: Vec<CiphertextPair>,
}

impl TrusteeFile for TallyInput {
    const FORMAT: &'static str = "votum-tally-input";
    const WHAT: &'static str = "tally input";
}

impl TallyInput {
    /// A tally input of the given ciphertexts.
    pub fn new(
        ballot: &str,
        election: [u8; 32],
        ceremony: [u8; 32],
        public_key: Point,
        ciphertexts: Vec<CiphertextPair>,
    ) -> Self {
        TallyInput {
            format: format_field::<Self>(),
            version: VERSION,
            ballot: ballot.to_owned(),
            election,
            ceremony,
            public_key,
            ciphertexts,
        }
    }
}

/// One decryption factor D = α^{x_i} with its proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionFactor {
    /// D = α^{x_i}.
    #[serde(with = "encoding::any_point")]
    pub factor: Point,
    /// Chaum-Pedersen proof (domain `partial-decryption`).
    pub proof: Proof,
}

/// Step 4, uploaded: one trustee's decryption factors of a tally input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialDecryption {
    /// `"votum-partial-decryption"`.
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The ceremony fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub ceremony: [u8; 32],
    /// The election fingerprint.
    #[serde(with = "crate::base64url::array")]
    pub election: [u8; 32],
    /// The digest of the tally input decrypted.
    #[serde(with = "crate::base64url::array")]
    pub input: [u8; 32],
    /// The trustee's index.
    pub trustee: u32,
    /// One factor per ciphertext, in order.
    pub factors: Vec<DecryptionFactor>,
    /// The trustee's signature.
    pub signature: Signature,
}

impl TrusteeFile for PartialDecryption {
    const FORMAT: &'static str = "votum-partial-decryption";
    const WHAT: &'static str = "partial decryption";
}

/// A list of 32-byte digests as base64url strings.
mod digests {
    use serde::de::Error as _;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        digests: &[[u8; 32]],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(digests.len()))?;
        for digest in digests {
            seq.serialize_element(&crate::base64url::encode(digest))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<[u8; 32]>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| crate::base64url::decode_array(text).map_err(D::Error::custom))
            .collect()
    }
}

pub(crate) fn new_header<T: TrusteeFile>() -> (String, u64) {
    (format_field::<T>(), VERSION)
}
