//! What can be wrong with an election record, a cast ballot or a receipt.
//! Each error says what failed and where (position in the chain, index in a
//! list, question number), so a verifier's output points at the evidence.

use crate::choice::ChoiceError;
use crate::question::QuestionError;
use crate::record::v2::ActKind as ActKindV2;
use crate::record::ActKind;

/// Why a cast `choices` text is not acceptable for a ballot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CastError {
    /// Not the JSON of a cast (choices and nonce).
    #[error("the cast is not a JSON object of choices and nonce: {0}")]
    Malformed(String),
    /// Valid choices, but not in canonical JSON form.
    #[error("the choices are not in canonical JSON form")]
    NotCanonical,
    /// Not one choice per question.
    #[error("{found} choices for {expected} questions")]
    WrongCount {
        /// Questions on the ballot.
        expected: usize,
        /// Choices given.
        found: usize,
    },
    /// A choice is not valid for its question.
    #[error("choice for question {question}: {error}")]
    Invalid {
        /// 0-based question index.
        question: usize,
        /// What is wrong with it.
        error: ChoiceError,
    },
}

/// Why an election record (or a receipt checked against one) fails
/// verification. Positions are 0-based chain positions, indexes 0-based
/// places in the named list, questions 0-based question indexes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The text is not JSON of the record's shape.
    #[error("not an election record: {0}")]
    Parse(String),
    /// The file is not the canonical serialisation of its content.
    #[error("the record is not in canonical form")]
    NotCanonical,
    /// Another format name or an unknown version.
    #[error("unsupported record format {format:?} version {version}")]
    UnsupportedFormat {
        /// Stated format.
        format: String,
        /// Stated version.
        version: u32,
    },
    /// The record signature is missing or does not verify under `box_key`.
    #[error("the box key's signature over the record is missing or invalid")]
    RecordSignature,
    /// The ballot id is empty or contains a NUL character.
    #[error("the ballot id is empty or contains NUL")]
    BadBallotId,
    /// A question definition fails `Question::check`.
    #[error("question {question} is ill-defined: {error}")]
    BadQuestion {
        /// Question index.
        question: usize,
        /// The definition error.
        error: QuestionError,
    },
    /// The credential list is not strictly ascending at `index` (equal: a
    /// duplicate).
    #[error("credential {index} is out of order or repeated")]
    CredentialsNotSorted {
        /// Index in `credentials`.
        index: usize,
    },
    /// A listed credential is not an ed25519 public key (not a curve point).
    #[error("credential {index} is not an ed25519 public key")]
    InvalidCredential {
        /// Index in `credentials`.
        index: usize,
    },
    /// `electorate.credentials_issued` differs from the list length.
    #[error("{stated} credentials stated as issued, {listed} listed")]
    CredentialCountMismatch {
        /// Stated count.
        stated: u64,
        /// Listed credentials.
        listed: u64,
    },
    /// More credentials in force than electors.
    #[error("{active} credentials in force for an electorate of {electorate}")]
    TooManyCredentials {
        /// Credentials not revoked.
        active: u64,
        /// Electorate size.
        electorate: u64,
    },
    /// Revoked credentials and `reissue_credential` acts differ in number.
    #[error("{revoked} revoked credentials but {reissue_acts} reissue acts")]
    RevocationCount {
        /// Revoked credentials.
        revoked: u64,
        /// `reissue_credential` acts.
        reissue_acts: u64,
    },
    /// The ballot at `index` states another position.
    #[error("ballot {index} states position {found}")]
    PositionMismatch {
        /// Index in `ballots`.
        index: usize,
        /// Stated position.
        found: u64,
    },
    /// The ballot's credential is not in the credential list.
    #[error("ballot {position} uses a credential that was not issued")]
    UnknownCredential {
        /// Chain position.
        position: u64,
    },
    /// The ballot's credential was revoked.
    #[error("ballot {position} uses a revoked credential")]
    RevokedCredential {
        /// Chain position.
        position: u64,
    },
    /// The ballot's choices are malformed or invalid.
    #[error("ballot {position}: {error}")]
    InvalidChoices {
        /// Chain position.
        position: u64,
        /// What is wrong.
        error: CastError,
    },
    /// The credential's signature on the ballot does not verify.
    #[error("ballot {position} has an invalid signature")]
    BadBallotSignature {
        /// Chain position.
        position: u64,
    },
    /// The stated ballot hash is not the hash of the ballot.
    #[error("ballot {position} states a wrong hash")]
    BallotHashMismatch {
        /// Chain position.
        position: u64,
    },
    /// The stated chain value after the ballot is wrong.
    #[error("the chain breaks at ballot {position}")]
    ChainMismatch {
        /// Chain position.
        position: u64,
    },
    /// A second ballot of a credential where re-voting is not allowed.
    #[error("ballot {position} repeats the credential of ballot {first} without re-voting")]
    DuplicateBallot {
        /// Chain position of the second ballot.
        position: u64,
        /// Chain position of the first.
        first: u64,
    },
    /// The same ballot (same hash) a second time: a replay.
    #[error("ballot {position} replays ballot {first}")]
    ReplayedBallot {
        /// Chain position of the replay.
        position: u64,
        /// Chain position of the original.
        first: u64,
    },
    /// `chain_head` is not the chain value after the last ballot.
    #[error("the stated chain head is not the end of the chain")]
    ChainHeadMismatch,
    /// The postal list is not strictly ascending at `index` (equal: two
    /// postal votes of one credential).
    #[error("postal vote {index} is out of order or repeated")]
    PostalNotSorted {
        /// Index in `postal`.
        index: usize,
    },
    /// A postal vote's credential is not in the list.
    #[error("postal vote {index} uses a credential that was not issued")]
    PostalUnknownCredential {
        /// Index in `postal`.
        index: usize,
    },
    /// A postal vote's credential was revoked.
    #[error("postal vote {index} uses a revoked credential")]
    PostalRevokedCredential {
        /// Index in `postal`.
        index: usize,
    },
    /// A counted postal vote without one choice per question, or a void
    /// one with choices.
    #[error("postal vote {index} has the wrong number of choices for its status")]
    PostalChoiceCount {
        /// Index in `postal`.
        index: usize,
    },
    /// A counted postal vote whose credential also voted online.
    #[error("postal vote {index} is counted although its credential voted online")]
    PostalAndOnline {
        /// Index in `postal`.
        index: usize,
    },
    /// A postal vote voided as used online whose credential has no online
    /// ballot.
    #[error("postal vote {index} is void although its credential never voted online")]
    PostalVoidWithoutOnline {
        /// Index in `postal`.
        index: usize,
    },
    /// An officer label is empty, or an act needing two officers lacks a
    /// second, different one.
    #[error("officer act {index} lacks its officers")]
    ActUnconfirmed {
        /// Index in `officer_acts`.
        index: usize,
    },
    /// An act time not of the form `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("officer act {index} has a malformed time")]
    ActTime {
        /// Index in `officer_acts`.
        index: usize,
    },
    /// An act earlier than the one before it.
    #[error("officer act {index} is earlier than the act before it")]
    ActsOutOfOrder {
        /// Index in `officer_acts`.
        index: usize,
    },
    /// A required act (open, close, tally) is missing.
    #[error("the record has no {act:?} act")]
    MissingAct {
        /// The missing act.
        act: ActKind,
    },
    /// Not one result per question.
    #[error("{found} results for {expected} questions")]
    ResultCount {
        /// Questions.
        expected: usize,
        /// Stated results.
        found: usize,
    },
    /// The stated result differs from the recount.
    #[error("the stated result of question {question} differs from the recount")]
    ResultMismatch {
        /// Question index.
        question: usize,
    },
    /// Version 2: the stated fingerprint is not the SHA-256 of the
    /// election object's canonical JSON.
    #[error("the stated fingerprint is not the election object's")]
    FingerprintMismatch,
    /// Version 2: a protocol this verifier does not implement.
    #[error("unsupported protocol {protocol:?}")]
    UnsupportedProtocol {
        /// Stated protocol.
        protocol: String,
    },
    /// Version 2: the credential origins of the election object are empty,
    /// unsorted or repeated.
    #[error("the election's credential origins are empty, unsorted or repeated")]
    BadCredentialOrigins,
    /// Version 2: a credential's origin is not one the election allows.
    #[error("credential {index} has an origin the election does not allow")]
    CredentialOrigin {
        /// Index in `credentials`.
        index: usize,
    },
    /// Version 2: the revealed lot seed does not match its commitment.
    #[error("the lot seed does not match the commitment made at opening")]
    LotCommitment,
    /// Version 2: a postal entry's signature by its credential does not
    /// verify.
    #[error("postal entry {index} is not signed by its credential")]
    PostalSignature {
        /// Index in `postal`.
        index: usize,
    },
    /// Version 2: a postal entry names a batch no `enter_postal_votes` act
    /// confirmed.
    #[error("postal entry {index} names a batch no officers confirmed")]
    PostalUnknownBatch {
        /// Index in `postal`.
        index: usize,
    },
    /// Version 2: an act where the order rules do not allow it (before
    /// `open`, after `close`, twice, …).
    #[error("officer act {index} ({act:?}) is not allowed at this point")]
    ActOrder {
        /// Index in `officer_acts`.
        index: usize,
        /// The act.
        act: ActKindV2,
    },
    /// Version 2: the acts do not end with `publish` after open, close and
    /// tally.
    #[error("the officer acts do not run from open through close and tally to publish")]
    ActsIncomplete,
    /// Version 2: an act's `batch` or `count` is missing, present where it
    /// does not belong, or (for a batch) out of sequence.
    #[error("officer act {index} has a wrong batch or count")]
    ActFields {
        /// Index in `officer_acts`.
        index: usize,
    },
    /// Version 2: the chain has ballots beyond the length stated at
    /// `close` (a cast after closing), or fewer.
    #[error("{at_close} ballots were in the box at close, the chain has {ballots}")]
    CastAfterClose {
        /// Count stated by the `close` act.
        at_close: u64,
        /// Ballots in the record.
        ballots: u64,
    },
    /// Version 2: a postal batch's stated count differs from its entries.
    #[error("postal batch {batch} states {stated} entries, the record has {found}")]
    BatchCount {
        /// Batch number.
        batch: u64,
        /// Stated by its act.
        stated: u64,
        /// Entries naming it.
        found: u64,
    },
    /// Version 2: the credentials made by the acts differ from those
    /// listed.
    #[error("the acts made {made} credentials, {listed} are listed")]
    CredentialTotal {
        /// Sum over the acts.
        made: u64,
        /// Listed.
        listed: u64,
    },
    /// Version 2: the election object has `trustees` under a protocol
    /// other than `"encrypted"`, or lacks it under `"encrypted"`.
    #[error("the election's trustees member does not fit its protocol")]
    TrusteesMember,
    /// Protocol "encrypted": the trustees object (T.1 `votum-trustee-keys`)
    /// is malformed or its keys are not those of one sharing of the
    /// election key.
    #[error("the election's trustees object is invalid: {reason}")]
    BadTrustees {
        /// What is wrong.
        reason: String,
    },
    /// Protocol "encrypted": a ranked question, which cannot be encrypted.
    #[error("question {question} is ranked and cannot be counted encrypted")]
    RankedEncrypted {
        /// Question index.
        question: usize,
    },
    /// Protocol "encrypted": a ballot's `choices` text is not the canonical
    /// JSON of an encrypted ballot.
    #[error("ballot {position} is not the canonical JSON of an encrypted ballot")]
    BallotNotCanonical {
        /// Chain position.
        position: u64,
    },
    /// Protocol "encrypted": a ballot's encrypted choices or proofs are
    /// invalid (E.8).
    #[error("ballot {position} has an invalid proof: {reason}")]
    BallotProof {
        /// Chain position.
        position: u64,
        /// What failed (question, option, rule).
        reason: String,
    },
    /// Protocol "encrypted": a counted postal entry's encrypted ballot is
    /// invalid (E.8).
    #[error("postal entry {index} has an invalid proof: {reason}")]
    PostalBallotProof {
        /// Index in `postal`.
        index: usize,
        /// What failed.
        reason: String,
    },
    /// Version 2: the `tally` member is missing under protocol
    /// `"encrypted"` or present under `"signed"`.
    #[error("the record's tally member does not fit its protocol")]
    TallyMember,
    /// Protocol "encrypted": the tally input names another ballot,
    /// election, ceremony or key, or has another format.
    #[error("the tally input is not this election's: {reason}")]
    TallyInputFields {
        /// What differs.
        reason: &'static str,
    },
    /// Protocol "encrypted": the tally input's ciphertexts are not the sums
    /// of the counting ballots.
    #[error("tally input ciphertext {ciphertext} is not the sum of the counting ballots")]
    TallySums {
        /// 0-based index in the flattened list.
        ciphertext: usize,
    },
    /// Protocol "encrypted": a partial decryption fails its checks (T.4)
    /// or is out of trustee order.
    #[error("partial decryption {index} is invalid: {reason}")]
    PartialDecryption {
        /// Index in `tally.partial_decryptions`.
        index: usize,
        /// What failed.
        reason: String,
    },
    /// Protocol "encrypted": fewer partial decryptions than the threshold.
    #[error("{got} partial decryptions, the threshold is {needed}")]
    BelowThreshold {
        /// The threshold t.
        needed: u32,
        /// Partial decryptions given.
        got: usize,
    },
    /// Protocol "encrypted": the stated counts of a question are not what
    /// the partial decryptions decrypt.
    #[error("the counts of question {question} are not the decrypted sums")]
    CountsMismatch {
        /// Question index.
        question: usize,
    },
    /// Version 2: the receipt names another election fingerprint.
    #[error("the receipt is for another election (fingerprint)")]
    ReceiptFingerprint,
    /// The receipt is for another ballot.
    #[error("the receipt is for another ballot")]
    ReceiptBallot,
    /// The box key's signature on the receipt does not verify.
    #[error("the receipt's signature is invalid")]
    ReceiptSignature,
    /// The receipt's position is beyond the end of the chain.
    #[error("the record has no ballot at the receipt's position {position}")]
    ReceiptPosition {
        /// Stated position.
        position: u64,
    },
    /// The ballot at the receipt's position has another hash.
    #[error("the ballot at position {position} is not the receipted one")]
    ReceiptHash {
        /// Stated position.
        position: u64,
    },
    /// The chain up to the receipt's position ends in another value.
    #[error("the chain up to position {position} differs from the receipt")]
    ReceiptChain {
        /// Stated position.
        position: u64,
    },
}
