//! Trustees of ballot protocol version 2: a t-of-n distributed key
//! generation, partial decryptions with proofs, and their combination.
//!
//! The design follows Belenios' threshold mode (Cortier, Gaudry, Glondu,
//! "Belenios: a simple private and verifiable electronic voting system",
//! 2019, and the Belenios specification, "threshold decryption": trustee
//! certificates, polynomials, `vinput`/`voutput`), which is Pedersen's
//! verifiable secret sharing run by every trustee (T. P. Pedersen, "A
//! threshold cryptosystem without a trusted party", EUROCRYPT 1991) with
//! Feldman's commitments to the coefficients (P. Feldman, "A practical
//! scheme for non-interactive verifiable secret sharing", FOCS 1987):
//!
//! 1. **Certificate** ([`files::Certificate`]): each trustee makes an ed25519
//!    signing key for its files and a Ristretto255 key pair for receiving
//!    shares, proves knowledge of the latter and signs the certificate.
//! 2. **Shares** ([`files::ShareBundle`]): once all n certificates are in
//!    (the *roster*, ordered by signing key; trustee *i* is the *i*-th, from
//!    1), trustee *j* draws a random polynomial f_j of degree t−1, publishes
//!    the commitments C_{j,k} = G^{a_{j,k}} with a proof of knowledge of
//!    a_{j,0}, and encrypts f_j(i) to every trustee *i* (itself included).
//! 3. **Check** ([`files::Verification`]): trustee *i* opens its n shares,
//!    checks each against the sender's commitments (G^{f_j(i)} = Π_k
//!    C_{j,k}^{i^k}; a bad share names its sender so the ceremony restarts
//!    without it), keeps x_i = Σ_j f_j(i) and publishes Y_i = G^{x_i} with a
//!    proof of knowledge. Anyone computes Y_i from the commitments too; the
//!    election public key is Y = Π_j C_{j,0} ([`ceremony::ceremony_keys`]).
//! 4. **Partial decryption** ([`files::PartialDecryption`]): for each
//!    ciphertext (α, β), trustee *i* publishes D_i = α^{x_i} with a
//!    Chaum-Pedersen proof that log_G Y_i = log_α D_i. Any t valid partial
//!    decryptions give α^x = Π D_i^{λ_i} with the Lagrange coefficients at
//!    0 ([`decrypt::combine`]); fewer than t are refused.
//!
//! Known limit, as in Belenios: a trustee who sees the others' commitments
//! before publishing its own can bias the distribution of Y (Gennaro,
//! Jarecki, Krawczyk, Rabin 1999); for ElGamal encryption this keeps
//! security (Gennaro et al., "Secure applications of Pedersen's distributed
//! key generation protocol", CT-RSA 2003). Fiat-Shamir transcripts are
//! strong ([`crate::group::Transcript`]); the key generation runs before
//! the election object exists, so its transcripts carry the *ceremony*
//! fingerprint instead of the election's, and every partial decryption
//! carries the election fingerprint.
//!
//! File formats and checks are specified in `docs/election-record.md`,
//! "Version 2: trustees".

pub mod ceremony;
pub mod decrypt;
mod encoding;
pub mod files;
mod polynomial;
pub mod private;
mod proofs;
mod share_box;

pub use ceremony::{
    ceremony_keys, check_bundle, check_bundles, check_certificate, check_verification, make_bundle,
    Roster, TrusteeIdentity, TrusteeShare,
};
pub use decrypt::{combine, partial_decrypt};
pub use files::{
    CeremonyFile, CeremonyKeys, Certificate, CiphertextPair, PartialDecryption, ShareBundle,
    TallyInput, TrusteeKey, Verification,
};
pub use proofs::Proof;

use crate::CryptoError;

/// The greatest number of trustees of one ceremony.
pub const MAX_TRUSTEES: u32 = 64;

/// Why a trustee file, a ceremony or a decryption was refused. Trustees are
/// named as "trustee *i* (*name*)" where the roster is known, so the
/// officers know whom to ask or to leave out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ThresholdError {
    /// An encoding inside a file was wrong (a point, a scalar, base64).
    #[error("{0}")]
    Crypto(#[from] CryptoError),
    /// A file is not JSON of the expected shape.
    #[error("{what}: not a valid file ({reason})")]
    Malformed {
        /// The kind of file expected.
        what: &'static str,
        /// The parser's reason.
        reason: String,
    },
    /// A file is valid JSON but not in its one canonical form.
    #[error("{what}: not in canonical form (was the file edited?)")]
    NotCanonical {
        /// The kind of file.
        what: &'static str,
    },
    /// A file of another kind was given.
    #[error("expected a {expected} file, found {found:?}")]
    WrongFormat {
        /// The `format` expected.
        expected: &'static str,
        /// The `format` found.
        found: String,
    },
    /// A file version this program does not know.
    #[error("{what}: version {version} is not supported")]
    UnsupportedVersion {
        /// The kind of file.
        what: &'static str,
        /// The version found.
        version: u64,
    },
    /// The ceremony parameters are impossible.
    #[error("ceremony: {0}")]
    BadCeremony(&'static str),
    /// A file belongs to another ceremony.
    #[error("{what} of {trustee} belongs to another ceremony")]
    WrongCeremony {
        /// The kind of file.
        what: &'static str,
        /// Who made it.
        trustee: String,
    },
    /// A file was made for another set of certificates.
    #[error("{what} of {trustee} was made for other trustee certificates")]
    WrongRoster {
        /// The kind of file.
        what: &'static str,
        /// Who made it.
        trustee: String,
    },
    /// Not exactly one certificate per trustee.
    #[error("the ceremony has {expected} trustees, but {found} certificates were given")]
    CertificateCount {
        /// Trustees in the ceremony.
        expected: u32,
        /// Certificates given.
        found: usize,
    },
    /// Two certificates share a key.
    #[error("two certificates use the same key ({0})")]
    DuplicateKey(String),
    /// A trustee index occurs twice.
    #[error("trustee {index} occurs twice in the {what} files")]
    DuplicateTrustee {
        /// The kind of file.
        what: &'static str,
        /// The index.
        index: u32,
    },
    /// A trustee index outside 1..=n.
    #[error("there is no trustee {index} in this ceremony")]
    UnknownTrustee {
        /// The index.
        index: u32,
    },
    /// A file given to `check` or to the ceremony result is missing.
    #[error("the {what} of {trustee} is missing")]
    Missing {
        /// The kind of file.
        what: &'static str,
        /// Whose file.
        trustee: String,
    },
    /// A file's signature is not the trustee's.
    #[error("the {what} of {trustee} is not signed by that trustee")]
    BadSignature {
        /// The kind of file.
        what: &'static str,
        /// Who should have signed it.
        trustee: String,
    },
    /// A proof of knowledge of a key does not verify.
    #[error("the key proof in the {what} of {trustee} is wrong")]
    BadKeyProof {
        /// The kind of file.
        what: &'static str,
        /// Whose file.
        trustee: String,
    },
    /// A share bundle has the wrong number of commitments or shares.
    #[error("the share bundle of {trustee} is incomplete: {reason}")]
    BadBundle {
        /// Whose bundle.
        trustee: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A received share does not open or does not match the sender's
    /// commitments: the ceremony must restart without the sender.
    #[error(
        "the share from {sender} is wrong: it does not match that trustee's commitments; \
         the ceremony must start again without {sender}"
    )]
    BadShare {
        /// The sender of the share.
        sender: String,
    },
    /// A verification file disagrees with the commitments.
    #[error("the verification of {trustee} does not match the share bundles: {reason}")]
    BadVerification {
        /// Whose verification.
        trustee: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A partial decryption is for another election or tally input.
    #[error("the partial decryption of {trustee} is for {reason}")]
    WrongInput {
        /// Whose partial decryption.
        trustee: String,
        /// Another election, another tally.
        reason: &'static str,
    },
    /// A decryption proof does not verify.
    #[error("the partial decryption of {trustee} has a wrong proof for ciphertext {ciphertext}")]
    BadDecryptionProof {
        /// Whose partial decryption.
        trustee: String,
        /// The ciphertext's position, from 1.
        ciphertext: usize,
    },
    /// Fewer valid partial decryptions than the threshold.
    #[error("{needed} trustees must decrypt, but only {got} valid partial decryptions were given")]
    TooFewPartials {
        /// The threshold t.
        needed: u32,
        /// Valid partial decryptions given.
        got: usize,
    },
    /// The private file has no share yet (the check step has not run).
    #[error("this private file has no key share yet: run the check step first")]
    NoShareYet,
    /// The private file's passphrase is wrong, or the file was altered.
    #[error("the passphrase is wrong, or the private file was altered")]
    Passphrase,
}
