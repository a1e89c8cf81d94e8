//! The election record: the public account of one ballot, and its
//! verifier. The format is specified in `docs/election-record.md`; field
//! names are exactly the JSON member names there.
//!
//! Two versions exist. [`v1`] is the legacy format (its rules never
//! change, so every v1 record published keeps verifying); its items are
//! re-exported here under their old paths. [`v2`] is written by every new
//! ballot: it adds the election object and its fingerprint, the lot-seed
//! commitment, signed postal entries in confirmed batches, officer acts
//! with order and four-eyes rules, and strict encodings. [`read`] reads
//! either version.

pub(crate) mod canonical;
mod error;
pub mod v1;
pub mod v2;

pub use error::{CastError, RecordError};
pub use v1::*;

use serde::Deserialize;

/// A record of either version, as read from a published file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyRecord {
    /// A legacy version 1 record.
    V1(Box<v1::ElectionRecord>),
    /// A version 2 record.
    V2(Box<v2::Record>),
}

/// Reads a published record file of either version: the member `version`
/// says which, and the version's own reader then refuses anything that is
/// not exactly its canonical form.
pub fn read(bytes: &[u8]) -> Result<AnyRecord, RecordError> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
        version: u32,
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let head: Head = serde_json::from_slice(body).map_err(|e| RecordError::Parse(e.to_string()))?;
    if head.format != v1::FORMAT {
        return Err(RecordError::UnsupportedFormat {
            format: head.format,
            version: head.version,
        });
    }
    match head.version {
        v1::VERSION => Ok(AnyRecord::V1(Box::new(v1::ElectionRecord::from_json(
            bytes,
        )?))),
        v2::VERSION => Ok(AnyRecord::V2(Box::new(v2::Record::from_json(bytes)?))),
        version => Err(RecordError::UnsupportedFormat {
            format: head.format,
            version,
        }),
    }
}

impl AnyRecord {
    /// Verifies the record by the rules of its version.
    pub fn verify(&self) -> Result<VerifiedResult, RecordError> {
        match self {
            AnyRecord::V1(record) => v1::verify(record),
            AnyRecord::V2(record) => v2::verify(record),
        }
    }

    /// The ballot id.
    pub fn ballot_id(&self) -> &str {
        match self {
            AnyRecord::V1(record) => &record.ballot.id,
            AnyRecord::V2(record) => &record.election.ballot_id,
        }
    }

    /// The ballot title.
    pub fn title(&self) -> &str {
        match self {
            AnyRecord::V1(record) => &record.ballot.title,
            AnyRecord::V2(record) => &record.election.title,
        }
    }

    /// The questions, in order.
    pub fn questions(&self) -> &[crate::Question] {
        match self {
            AnyRecord::V1(record) => &record.ballot.questions,
            AnyRecord::V2(record) => &record.election.questions,
        }
    }

    /// Checks a receipt file's text against this record (the receipt of
    /// the record's version): what a voter is told.
    pub fn check_receipt(&self, receipt: &[u8]) -> ReceiptOutcome {
        let checked = match self {
            AnyRecord::V1(record) => match serde_json::from_slice::<votum_crypto::Receipt>(receipt)
            {
                Ok(receipt) => v1::verify_receipt(record, &receipt).map(|()| receipt.position),
                Err(e) => return ReceiptOutcome::NotAReceipt(e.to_string()),
            },
            AnyRecord::V2(record) => match serde_json::from_slice::<v2::Receipt>(receipt) {
                Ok(receipt) if receipt.format != v2::RECEIPT_FORMAT || receipt.version != 2 => {
                    return ReceiptOutcome::NotAReceipt("not a version 2 receipt".into())
                }
                Ok(receipt) => v2::verify_receipt(record, &receipt).map(|found| found.position),
                Err(e) => return ReceiptOutcome::NotAReceipt(e.to_string()),
            },
        };
        receipt_outcome(checked)
    }
}

/// What a voter is told for the outcome of a receipt check.
pub(crate) fn receipt_outcome(checked: Result<u64, RecordError>) -> ReceiptOutcome {
    match checked {
        Ok(position) => ReceiptOutcome::Found { position },
        Err(RecordError::ReceiptBallot | RecordError::ReceiptFingerprint) => {
            ReceiptOutcome::OtherBallot
        }
        Err(RecordError::ReceiptSignature) => ReceiptOutcome::BadSignature,
        Err(_) => ReceiptOutcome::NotFound,
    }
}

/// What checking a receipt against a record found (specification V2.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// The receipted ballot is in the record at this chain position.
    Found {
        /// 0-based chain position.
        position: u64,
    },
    /// The record has no such ballot at the receipt's position (dropped,
    /// altered or moved after the receipt was given).
    NotFound,
    /// The receipt is for another ballot (id or election fingerprint).
    OtherBallot,
    /// The box key of the record did not sign this receipt.
    BadSignature,
    /// The text is not a receipt of the record's version.
    NotAReceipt(String),
}

impl ReceiptOutcome {
    /// Whether the receipted ballot was found.
    pub fn is_found(&self) -> bool {
        matches!(self, ReceiptOutcome::Found { .. })
    }
}

impl std::fmt::Display for ReceiptOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReceiptOutcome::Found { position } => write!(f, "found at position {position}"),
            ReceiptOutcome::NotFound => f.write_str("not found"),
            ReceiptOutcome::OtherBallot => f.write_str("receipt for another ballot"),
            ReceiptOutcome::BadSignature => f.write_str("bad signature"),
            ReceiptOutcome::NotAReceipt(why) => write!(f, "not a receipt: {why}"),
        }
    }
}
