//! The election record, version 1 (legacy; its rules do not change): the public account of one ballot, and
//! its verifier. The format is specified in `docs/election-record.md`;
//! field names here are exactly the JSON member names there.
//!
//! The server builds an [`ElectionRecord`], signs it with the box key
//! ([`ElectionRecord::sign`]) and publishes [`ElectionRecord::to_json`].
//! Anyone reads it back with [`ElectionRecord::from_json`] (which refuses
//! any file that is not in canonical form) and checks it with [`verify`];
//! a voter checks a receipt with [`verify_receipt`].

pub(crate) mod verify;

use super::canonical;
pub use super::error::{CastError, RecordError};
pub use verify::{count, lot_for, verify, verify_receipt, VerifiedResult};

use crate::choice::{validate, Choice};
use crate::question::Question;
use crate::result::QuestionResult;
use serde::{Deserialize, Serialize};
use votum_crypto::ballot_box::{BoxKey, BoxPublicKey};
use votum_crypto::base64url;
use votum_crypto::credential::{PublicCredential, Signature};

/// Value of [`ElectionRecord::format`].
pub const FORMAT: &str = "votum-election-record";
/// Value of [`ElectionRecord::version`] this crate writes and reads.
pub const VERSION: u32 = 1;
/// Domain tag of the record signature: the box key signs
/// `RECORD_TAG || SHA-256(canonical_bytes)`.
pub const RECORD_TAG: &[u8] = b"votum-record-v1\0";

/// The whole record (§3 of the specification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionRecord {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// What was voted on and the rules.
    pub ballot: BallotDefinition,
    /// Public key of the ballot box.
    pub box_key: BoxPublicKey,
    /// Electorate size and credentials issued.
    pub electorate: Electorate,
    /// Every public credential issued, sorted by bytes.
    pub credentials: Vec<CredentialEntry>,
    /// Every ballot accepted online, in chain order.
    pub ballots: Vec<CastBallot>,
    /// Chain value after the last ballot.
    #[serde(with = "base64url::array")]
    pub chain_head: [u8; 32],
    /// Postal votes, sorted by credential bytes.
    pub postal: Vec<PostalVote>,
    /// What the officers did, in time order.
    pub officer_acts: Vec<OfficerAct>,
    /// Published seed of the tie-break lot.
    #[serde(with = "base64url::bytes")]
    pub lot_seed: Vec<u8>,
    /// One result per question, in question order.
    pub results: Vec<QuestionResult>,
    /// The box key's signature; `None` before [`ElectionRecord::sign`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// The ballot being voted on (§3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotDefinition {
    /// Ballot id; non-empty, no NUL. Part of every signed message.
    pub id: String,
    /// Title shown to voters.
    pub title: String,
    /// The questions, in order; choices follow this order.
    pub questions: Vec<Question>,
    /// Whether a voter may cast again (the last ballot counts).
    pub revoting: bool,
}

/// Electorate figures (§3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Electorate {
    /// Electors in the frozen electorate; base of quorums.
    pub size: u64,
    /// Credentials issued; equals the length of the credential list.
    pub credentials_issued: u64,
}

/// Who made a credential's code (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialOrigin {
    /// The server made the code (portal, or letters printed by the server).
    Server,
    /// A separate credential authority made it; the server never saw it.
    Authority,
}

/// One issued credential (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialEntry {
    /// The public credential.
    pub credential: PublicCredential,
    /// Who made the code.
    pub origin: CredentialOrigin,
    /// Replaced through a `reissue_credential` act; may not vote.
    pub revoked: bool,
}

/// A ballot accepted online (§3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastBallot {
    /// 0-based place in the chain.
    pub position: u64,
    /// The credential that signed it.
    pub credential: PublicCredential,
    /// The signed choices text, verbatim (canonical JSON array of choices).
    pub choices: String,
    /// The credential's signature over the cast message.
    pub signature: Signature,
    /// The ballot hash (tracking code).
    #[serde(with = "base64url::array")]
    pub hash: [u8; 32],
    /// Chain value after this ballot.
    #[serde(with = "base64url::array")]
    pub chain: [u8; 32],
}

/// What became of a postal vote (§3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostalStatus {
    /// Counted.
    Counted,
    /// Void because the credential voted online.
    VoidUsedOnline,
}

/// One returned postal slip (§3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalVote {
    /// The credential named by the slip's code.
    pub credential: PublicCredential,
    /// The marks as entered by officers; empty when void.
    pub choices: Vec<Choice>,
    /// Counted or void.
    pub status: PostalStatus,
}

/// Kinds of officer acts (§3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// The electorate was frozen.
    FreezeElectorate,
    /// Credentials were issued by the server.
    IssueCredentials,
    /// Credentials from a credential authority were imported.
    ImportCredentials,
    /// A credential was revoked and replaced (two officers).
    ReissueCredential,
    /// The ballot opened.
    Open,
    /// The ballot closed (two officers).
    Close,
    /// Postal votes were entered (two officers).
    EnterPostalVotes,
    /// The count ran (two officers).
    Tally,
    /// The record was published (two officers).
    Publish,
}

impl ActKind {
    /// Whether the act needs a second, confirming officer.
    pub fn needs_two_officers(self) -> bool {
        matches!(
            self,
            ActKind::ReissueCredential
                | ActKind::Close
                | ActKind::EnterPostalVotes
                | ActKind::Tally
                | ActKind::Publish
        )
    }
}

/// One officer act (§3.6). Officers appear only under pseudonymous labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerAct {
    /// What was done.
    pub act: ActKind,
    /// Label of the officer who asked for it.
    pub requested_by: String,
    /// Label of the second officer who confirmed it, if any.
    pub confirmed_by: Option<String>,
    /// When, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
}

impl ElectionRecord {
    /// The canonical serialisation without the `signature` member: the
    /// bytes whose SHA-256 is the record hash.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical::to_canonical_without(self, "signature")
    }

    /// SHA-256 of [`ElectionRecord::canonical_bytes`].
    pub fn record_hash(&self) -> [u8; 32] {
        votum_crypto::sha256(&self.canonical_bytes())
    }

    /// The message the box key signs: [`RECORD_TAG`] || record hash.
    pub fn signed_message(&self) -> Vec<u8> {
        signed_message(&self.record_hash())
    }

    /// Signs the record with the box key, replacing any earlier signature.
    /// Sign last: any later change invalidates the signature.
    pub fn sign(&mut self, box_key: &BoxKey) {
        self.signature = Some(box_key.sign(&self.signed_message()));
    }

    /// The published file: the canonical serialisation, signature included.
    pub fn to_json(&self) -> String {
        // Canonical output is built from `str`s and ASCII, so it is UTF-8.
        String::from_utf8_lossy(&canonical::to_canonical(self)).into_owned()
    }

    /// Reads a published file, refusing anything that is not exactly the
    /// canonical serialisation of a record (optionally followed by one line
    /// feed): see §2 of the specification.
    pub fn from_json(bytes: &[u8]) -> Result<ElectionRecord, RecordError> {
        let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let record: ElectionRecord =
            serde_json::from_slice(body).map_err(|e| RecordError::Parse(e.to_string()))?;
        if canonical::to_canonical(&record) != body {
            return Err(RecordError::NotCanonical);
        }
        Ok(record)
    }
}

/// [`RECORD_TAG`] || `record_hash`.
pub(crate) fn signed_message(record_hash: &[u8; 32]) -> Vec<u8> {
    let mut message = RECORD_TAG.to_vec();
    message.extend_from_slice(record_hash);
    message
}

/// What a voter signs besides ballot id and credential (§3.4): the choices,
/// one per question, and 16 random bytes. The nonce makes a re-vote with
/// the same choices a new ballot and a replayed ballot recognisable by its
/// hash, which no record may contain twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastContent {
    /// One choice per question, in question order.
    pub choices: Vec<Choice>,
    /// Random bytes chosen by the voter's side for this cast.
    #[serde(with = "base64url::array")]
    pub nonce: [u8; 16],
}

/// The canonical text of a cast (§3.4) that the voter signs and the record
/// stores verbatim.
pub fn cast_text(choices: &[Choice], nonce: &[u8; 16]) -> String {
    let content = CastContent {
        choices: choices.to_vec(),
        nonce: *nonce,
    };
    String::from_utf8_lossy(&canonical::to_canonical(&content)).into_owned()
}

/// Checks a submitted cast text for `ballot` as the server must before
/// accepting it, and as the verifier does for every recorded ballot: the
/// canonical JSON of a [`CastContent`] with one valid choice per question.
/// Returns the parsed choices.
pub fn check_cast(ballot: &BallotDefinition, choices_json: &str) -> Result<Vec<Choice>, CastError> {
    let value: serde_json::Value =
        serde_json::from_str(choices_json).map_err(|e| CastError::Malformed(e.to_string()))?;
    let content: CastContent =
        serde_json::from_value(value.clone()).map_err(|e| CastError::Malformed(e.to_string()))?;
    // Compare the parsed value too: a member the types ignore would
    // otherwise pass unseen.
    if canonical::value_to_canonical(&value) != choices_json.as_bytes()
        || canonical::to_canonical(&content) != choices_json.as_bytes()
    {
        return Err(CastError::NotCanonical);
    }
    check_choices(&ballot.questions, &content.choices)?;
    Ok(content.choices)
}

/// One valid choice per question.
fn check_choices(questions: &[Question], choices: &[Choice]) -> Result<(), CastError> {
    if choices.len() != questions.len() {
        return Err(CastError::WrongCount {
            expected: questions.len(),
            found: choices.len(),
        });
    }
    for (index, (question, choice)) in questions.iter().zip(choices).enumerate() {
        validate(question, choice).map_err(|error| CastError::Invalid {
            question: index,
            error,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OptionId, QuestionKind, SingleVote, YesNoVote};

    fn ballot() -> BallotDefinition {
        BallotDefinition {
            id: "b".into(),
            title: "T".into(),
            questions: vec![
                Question {
                    text: "Q1".into(),
                    kind: QuestionKind::SingleChoice {
                        options: vec![crate::BallotOption::new(1, "A")],
                        runoff: false,
                    },
                },
                Question {
                    text: "Q2".into(),
                    kind: QuestionKind::YesNoAbstain {
                        quorum: crate::Ratio::ZERO,
                        majority: crate::MajorityRule::Simple,
                    },
                },
            ],
            revoting: false,
        }
    }

    #[test]
    fn cast_text_is_canonical_and_checked() {
        let choices = vec![
            Choice::Single(SingleVote::For(OptionId(1))),
            Choice::YesNo(YesNoVote::Abstain),
        ];
        let nonce = [7u8; 16];
        let text = cast_text(&choices, &nonce);
        assert_eq!(
            text,
            r#"{"choices":[{"kind":"single","value":{"for":1}},{"kind":"yes_no","value":"abstain"}],"nonce":"BwcHBwcHBwcHBwcHBwcHBw"}"#
        );
        assert_eq!(check_cast(&ballot(), &text).unwrap(), choices);
        let spaced = text.replace(',', ", ");
        assert_eq!(check_cast(&ballot(), &spaced), Err(CastError::NotCanonical));
        let extra = text.replacen("{\"kind\"", "{\"extra\":1,\"kind\"", 1);
        assert_eq!(check_cast(&ballot(), &extra), Err(CastError::NotCanonical));
        for malformed in [
            "[1]",
            r#"{"choices":[]}"#,
            r#"{"choices":[],"nonce":"short"}"#,
            r#"{"choices":[],"nonce":"BwcHBwcHBwcHBwcHBwcHBw","x":1}"#,
        ] {
            assert!(
                matches!(
                    check_cast(&ballot(), malformed),
                    Err(CastError::Malformed(_))
                ),
                "{malformed}"
            );
        }
        assert_eq!(
            check_cast(&ballot(), &cast_text(&choices[..1], &nonce)),
            Err(CastError::WrongCount {
                expected: 2,
                found: 1
            })
        );
        let wrong = cast_text(
            &[
                Choice::Single(SingleVote::For(OptionId(9))),
                Choice::YesNo(YesNoVote::Yes),
            ],
            &nonce,
        );
        assert!(matches!(
            check_cast(&ballot(), &wrong),
            Err(CastError::Invalid { question: 0, .. })
        ));
    }
}
