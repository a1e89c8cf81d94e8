//! The election record, version 2, protocol `"signed"`: choices in clear,
//! each ballot and each postal entry signed by its credential, everything
//! bound to the election's fingerprint. Specified in
//! `docs/election-record.md` (the "Version 2" sections).
//!
//! What version 2 adds to version 1, each against a defect of v1 found in
//! an audit (issue 11):
//!
//! * the [`Election`] object, fixed when the ballot opens, and its
//!   fingerprint, part of every signed message (cast, postal entry,
//!   receipt, record signature) under domain tags of its own (`…-v2`);
//! * the lot seed committed in the election object at opening and revealed
//!   in the record ([`lot_commitment`]), so nobody picks it knowing the votes;
//! * postal entries signed by the credential of the slip's code
//!   ([`postal_message`], [`postal_void_message`]) and entered in batches
//!   that two officers confirm, each an act of the record;
//! * officer acts with order rules and four eyes ([`ActKind`]);
//! * strict encodings: canonical curve points, real calendar times.

pub mod encrypted;
mod messages;
pub mod stream;
pub mod tally;
mod time;
mod verify;

pub use messages::{
    ballot_hash, cast_message, chain_genesis, chain_next, lot_commitment, lot_order,
    parse_short_tracking_code, postal_message, postal_message_canonical, postal_message_for,
    postal_void_message, record_message, short_tracking_code, Receipt, RECEIPT_FORMAT,
    SHORT_CODE_ALPHABET,
};
pub use stream::{verify_file, VerifiedFile};
pub use tally::EncryptedSummary;
pub use time::is_utc_time;
pub use verify::{count, verify, verify_receipt, verify_receipt_with, ReceiptCheck};

use super::canonical;
use super::error::RecordError;
use super::v1::{CastBallot, CredentialEntry, CredentialOrigin, Electorate, PostalStatus};
use crate::choice::Choice;
use crate::question::Question;
use crate::result::QuestionResult;
use serde::{Deserialize, Serialize};
use votum_crypto::ballot_box::{BoxKey, BoxPublicKey};
use votum_crypto::base64url;
use votum_crypto::credential::{PublicCredential, Signature};
use votum_crypto::encrypted_ballot::EncryptedBallot;
use votum_crypto::threshold::files::{PartialDecryption, TallyInput};

/// Value of [`Record::version`].
pub const VERSION: u32 = 2;
/// Protocol `"signed"`: choices in clear, signed by the credential.
pub const PROTOCOL_SIGNED: &str = "signed";
/// Protocol `"encrypted"`: choices encrypted for the trustees
/// (docs/election-record.md, "Version 2: encryption and proofs"); the
/// election object then carries [`Election::trustees`].
pub const PROTOCOL_ENCRYPTED: &str = "encrypted";

/// What is voted on and under which rules, fixed when the ballot opens.
/// Its fingerprint ([`Election::fingerprint`]) is in every signed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// Ballot id; non-empty, no NUL.
    pub ballot_id: String,
    /// Title shown to voters.
    pub title: String,
    /// The questions, in order; choices follow this order.
    pub questions: Vec<Question>,
    /// Whether a voter may cast again (the last ballot counts).
    pub revoting: bool,
    /// The protocol: [`PROTOCOL_SIGNED`] or [`PROTOCOL_ENCRYPTED`].
    pub protocol: String,
    /// Under [`PROTOCOL_ENCRYPTED`]: the trustees' `votum-trustee-keys`
    /// object (T.1) verbatim; its `public_key` is the election public key.
    /// Absent under [`PROTOCOL_SIGNED`] (so such objects and their
    /// fingerprints stay as they were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trustees: Option<votum_crypto::threshold::CeremonyKeys>,
    /// The ballot box key that signs receipts and the record.
    pub box_key: BoxPublicKey,
    /// SHA-256 commitment to the lot seed ([`lot_commitment`]).
    #[serde(with = "base64url::array")]
    pub lot_commitment: [u8; 32],
    /// Who may make the codes of this ballot's credentials; sorted,
    /// distinct, non-empty.
    pub credential_origins: Vec<CredentialOrigin>,
}

impl Election {
    /// SHA-256 of the canonical JSON of the election object.
    pub fn fingerprint(&self) -> [u8; 32] {
        votum_crypto::sha256(&canonical::to_canonical(self))
    }

    /// The canonical JSON text of the election object.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&canonical::to_canonical(self)).into_owned()
    }
}

/// A postal entry (a returned slip), signed by the slip's credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalEntry {
    /// The number of the confirmed batch it was entered in.
    pub batch: u64,
    /// The credential named by the slip's code.
    pub credential: PublicCredential,
    /// The marks as entered: choices in clear (protocol `"signed"`), the
    /// encrypted ballot (protocol `"encrypted"`), `[]` when void.
    pub choices: PostalChoices,
    /// Counted or void because the credential voted online.
    pub status: PostalStatus,
    /// The credential's signature over [`postal_message`] (counted) or
    /// [`postal_void_message`] (void).
    pub signature: Signature,
}

/// The `choices` member of a postal entry: an array of choices in clear
/// under protocol `"signed"` (and `[]` for a void entry under either
/// protocol), the encrypted ballot object (E.5) of a counted entry under
/// protocol `"encrypted"`. The JSON shape (array or object) says which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PostalChoices {
    /// Choices in clear, one per question; empty when void.
    Plain(Vec<Choice>),
    /// The encrypted ballot entered for the slip.
    Encrypted(Box<EncryptedBallot>),
}

impl From<Vec<Choice>> for PostalChoices {
    fn from(choices: Vec<Choice>) -> Self {
        PostalChoices::Plain(choices)
    }
}

impl PostalChoices {
    /// Whether this is the empty array of a void entry.
    pub fn is_empty(&self) -> bool {
        matches!(self, PostalChoices::Plain(choices) if choices.is_empty())
    }
}

/// The `tally` member of a record under protocol `"encrypted"`: the
/// decrypted counts, the homomorphic sums the trustees decrypted, and the
/// partial decryptions used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// Per question, per encrypted option (E.4 order, abstain or "none"
    /// last): the decrypted count.
    pub counts: Vec<Vec<u64>>,
    /// The tally input (T.1): the sums of the counting ballots, flattened
    /// question by question, option by option.
    pub input: TallyInput,
    /// The partial decryptions (T.1) combined, in ascending trustee order.
    pub partial_decryptions: Vec<PartialDecryption>,
}

/// Kinds of officer acts in version 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// The electorate was frozen (set-up; one officer suffices).
    FreezeElectorate,
    /// A server letter run: letters printed by the server.
    IssueCredentials,
    /// Public credentials from a credential authority were imported.
    ImportCredentials,
    /// A credential was revoked and replaced.
    ReissueCredential,
    /// The ballot opened.
    Open,
    /// The ballot closed.
    Close,
    /// A batch of postal entries was confirmed.
    EnterPostalVotes,
    /// The count ran.
    Tally,
    /// The record was published.
    Publish,
}

impl ActKind {
    /// Whether the act needs a second, confirming officer: every act but
    /// `freeze_electorate`.
    pub fn needs_two_officers(self) -> bool {
        self != ActKind::FreezeElectorate
    }

    /// Whether the act states a `count` (and only these do).
    pub fn has_count(self) -> bool {
        matches!(
            self,
            ActKind::Open
                | ActKind::IssueCredentials
                | ActKind::ImportCredentials
                | ActKind::ReissueCredential
                | ActKind::Close
                | ActKind::EnterPostalVotes
        )
    }
}

/// One officer act. Officers appear only under pseudonymous labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerAct {
    /// What was done.
    pub act: ActKind,
    /// Label of the officer who asked for it.
    pub requested_by: String,
    /// Label of the second officer who confirmed it.
    pub confirmed_by: Option<String>,
    /// When it was confirmed, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// The postal batch number (`enter_postal_votes` only).
    pub batch: Option<u64>,
    /// How many: credentials made at `open` (portal voters), letters in
    /// an `issue_credentials` run, credentials in an `import_credentials`
    /// file, new credentials of a `reissue_credential` (1 for a server
    /// letter, 0 when the authority's new letter comes by import), ballots
    /// in the chain at `close`, entries in an `enter_postal_votes` batch;
    /// `null` for the other acts.
    pub count: Option<u64>,
}

/// The whole version 2 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Always `"votum-election-record"`.
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The election object fixed at opening.
    pub election: Election,
    /// Its fingerprint, stated (the verifier recomputes it).
    #[serde(with = "base64url::array")]
    pub fingerprint: [u8; 32],
    /// Electorate size and credentials issued.
    pub electorate: Electorate,
    /// Every public credential issued, sorted by bytes.
    pub credentials: Vec<CredentialEntry>,
    /// Every ballot accepted online, in chain order.
    pub ballots: Vec<CastBallot>,
    /// Chain value after the last ballot.
    #[serde(with = "base64url::array")]
    pub chain_head: [u8; 32],
    /// Postal entries of confirmed batches, sorted by credential bytes.
    pub postal: Vec<PostalEntry>,
    /// What the officers did, in order.
    pub officer_acts: Vec<OfficerAct>,
    /// The lot seed, revealed; its commitment is in the election object.
    #[serde(with = "base64url::array")]
    pub lot_seed: [u8; 32],
    /// One result per question, in question order.
    pub results: Vec<QuestionResult>,
    /// Under protocol `"encrypted"`: the decrypted tally; absent under
    /// `"signed"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// The box key's signature; `None` before [`Record::sign`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

impl Record {
    /// The canonical serialisation without the `signature` member.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical::to_canonical_without(self, "signature")
    }

    /// SHA-256 of [`Record::canonical_bytes`].
    pub fn record_hash(&self) -> [u8; 32] {
        votum_crypto::sha256(&self.canonical_bytes())
    }

    /// Signs the record with the box key (sign last).
    pub fn sign(&mut self, box_key: &BoxKey) {
        let message = record_message(&self.election.fingerprint(), &self.record_hash());
        self.signature = Some(box_key.sign(&message));
    }

    /// The published file: the canonical serialisation, signature included.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&canonical::to_canonical(self)).into_owned()
    }

    /// Reads a published file, refusing anything that is not exactly the
    /// canonical serialisation of a version 2 record (optionally followed
    /// by one line feed).
    pub fn from_json(bytes: &[u8]) -> Result<Record, RecordError> {
        let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let record: Record =
            serde_json::from_slice(body).map_err(|e| RecordError::Parse(e.to_string()))?;
        if canonical::to_canonical(&record) != body {
            return Err(RecordError::NotCanonical);
        }
        Ok(record)
    }
}
