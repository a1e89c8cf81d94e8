//! Verifying a record file without holding its ballots in memory.
//!
//! A record of 400,000 encrypted ballots is some 3 GB of JSON. Its
//! canonical form starts with the `ballots` array (members are sorted), so
//! the file is read twice from a seekable reader:
//!
//! 1. the ballots are scanned (each object's bounds found by its braces,
//!    outside strings) to hash the file for the record signature, to note
//!    each ballot's credential (which ballot of a credential counts) and to
//!    reach the rest of the record, which is read and parsed whole with an
//!    empty `ballots` array;
//! 2. the ballots are read again in chunks of [`super::tally::CHUNK`],
//!    each parsed, checked to be canonical, and handed to the verifier.
//!
//! What stays per ballot is its credential, hash and chain value. Records
//! of version 1 and of protocol "signed" are read whole and verified as
//! before ([`crate::record::read`]).

use super::tally::{check_rest, last_positions, CHUNK};
use super::verify::{check_head, check_signature};
use super::{Receipt, Record, PROTOCOL_ENCRYPTED, RECEIPT_FORMAT};
use crate::record::canonical::{to_canonical, to_canonical_without};
use crate::record::v1::CastBallot;
use crate::record::{read, AnyRecord, ReceiptOutcome, RecordError, VerifiedResult};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use votum_crypto::credential::PublicCredential;

/// How every version 2 record file begins.
const PREFIX: &[u8] = b"{\"ballots\":[";

/// A verified record file.
#[derive(Debug, Clone)]
pub struct VerifiedFile {
    /// The record; under protocol "encrypted" without its ballots.
    pub record: AnyRecord,
    /// What verification established.
    pub verified: VerifiedResult,
    /// Under protocol "encrypted": the recomputed (ballot hash, chain
    /// value) at each chain position, for receipts.
    links: Option<Vec<([u8; 32], [u8; 32])>>,
}

impl VerifiedFile {
    /// Whether the ballots were read in chunks (protocol "encrypted")
    /// rather than with the whole file.
    pub fn streamed(&self) -> bool {
        self.links.is_some()
    }

    /// Checks a receipt against the verified record (V2.10).
    pub fn check_receipt(&self, receipt: &[u8]) -> ReceiptOutcome {
        let (AnyRecord::V2(record), Some(links)) = (&self.record, &self.links) else {
            return self.record.check_receipt(receipt);
        };
        let receipt = match serde_json::from_slice::<Receipt>(receipt) {
            Ok(r) if r.format == RECEIPT_FORMAT && r.version == 2 => r,
            Ok(_) => return ReceiptOutcome::NotAReceipt("not a version 2 receipt".into()),
            Err(e) => return ReceiptOutcome::NotAReceipt(e.to_string()),
        };
        let ballots = crate::to_u64(links.len());
        let found = super::verify_receipt_with(record, &receipt, ballots, |position| {
            links.get(position).copied()
        });
        crate::record::receipt_outcome(found.map(|f| f.position))
    }
}

fn io(e: std::io::Error) -> RecordError {
    RecordError::Parse(e.to_string())
}

/// Reads and verifies a record file of any version from `reader`; a
/// record under protocol "encrypted" is verified streaming (module
/// documentation), any other as [`read`] and [`AnyRecord::verify`] do.
pub fn verify_file<R: Read + Seek>(mut reader: R) -> Result<VerifiedFile, RecordError> {
    let head = match first_pass(&mut reader)? {
        Some(head) if head.record.election.protocol == PROTOCOL_ENCRYPTED => head,
        _ => {
            reader.seek(SeekFrom::Start(0)).map_err(io)?;
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(io)?;
            let record = read(&bytes)?;
            let verified = record.verify()?;
            return Ok(VerifiedFile {
                record,
                verified,
                links: None,
            });
        }
    };
    let record = head.record;
    let fingerprint = check_head(&record)?;
    check_signature(&record, &fingerprint, &head.record_hash)?;
    let expected = head.credentials.len();
    let last = last_positions(head.credentials.iter());
    drop(head.credentials);
    let checked = check_rest(
        &record,
        fingerprint,
        last,
        |online| second_pass(&mut reader, expected, |chunk| online.push(chunk)),
        true,
    )?;
    let verified = checked.verified(&record, head.record_hash)?;
    let links = checked.links().to_vec();
    Ok(VerifiedFile {
        record: AnyRecord::V2(Box::new(record)),
        verified,
        links: Some(links),
    })
}

/// The record without its ballots, the record hash, and each ballot's
/// credential in chain order.
struct Head {
    record: Record,
    record_hash: [u8; 32],
    credentials: Vec<PublicCredential>,
}

/// Pass 1. `None` when the file does not start as a version 2 record does
/// (the caller then reads it whole, which names the error).
fn first_pass<R: Read + Seek>(reader: &mut R) -> Result<Option<Head>, RecordError> {
    #[derive(Deserialize)]
    struct CredentialOnly {
        credential: PublicCredential,
    }
    let mut scanner = Scanner::new(reader, true);
    if !scanner.starts_with_prefix()? {
        return Ok(None);
    }
    let mut credentials = Vec::new();
    let mut entry = Vec::new();
    // Anything unusual here sends the file to the whole-file reader,
    // which names the error as for any record.
    loop {
        match scanner.next_entry(&mut entry) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Ok(None),
        }
        match serde_json::from_slice::<CredentialOnly>(&entry) {
            Ok(parsed) => credentials.push(parsed.credential),
            Err(_) => return Ok(None),
        }
    }
    let hashed = scanner.hasher.take();
    let mut tail = Vec::new();
    scanner.reader.read_to_end(&mut tail).map_err(io)?;
    let tail = tail.strip_suffix(b"\n").unwrap_or(&tail);
    // The rest of the record with an empty ballots array: the tail starts
    // with the array's closing bracket (peeked, not consumed).
    let mut body = PREFIX.to_vec();
    body.extend_from_slice(tail);
    let Ok(record) = Record::from_json(&body) else {
        return Ok(None);
    };
    let Some(mut hasher) = hashed else {
        return Ok(None);
    };
    // The record hash covers the canonical form without `signature`: the
    // ballots exactly as in the file (each checked canonical in pass 2),
    // then the rest without its signature member.
    let without = to_canonical_without(&record, "signature");
    hasher.update(without.get(PREFIX.len()..).unwrap_or_default());
    let mut record_hash = [0u8; 32];
    record_hash.copy_from_slice(hasher.finish().as_ref());
    Ok(Some(Head {
        record,
        record_hash,
        credentials,
    }))
}

/// Pass 2: the ballots again, parsed, checked canonical, in chunks.
fn second_pass<R: Read + Seek>(
    reader: &mut R,
    expected: usize,
    mut push: impl FnMut(&[CastBallot]) -> Result<(), RecordError>,
) -> Result<(), RecordError> {
    reader.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut scanner = Scanner::new(reader, false);
    if !scanner.starts_with_prefix()? {
        return Err(RecordError::Parse(
            "the file changed while it was read".into(),
        ));
    }
    let mut chunk: Vec<CastBallot> = Vec::with_capacity(CHUNK);
    let mut raw = Vec::new();
    let mut read = 0usize;
    while scanner.next_entry(&mut raw)? {
        let ballot: CastBallot =
            serde_json::from_slice(&raw).map_err(|e| RecordError::Parse(e.to_string()))?;
        if to_canonical(&ballot) != raw {
            return Err(RecordError::NotCanonical);
        }
        chunk.push(ballot);
        read += 1;
        if chunk.len() == CHUNK {
            push(&chunk)?;
            chunk.clear();
        }
    }
    if read != expected {
        return Err(RecordError::Parse(
            "the file changed while it was read".into(),
        ));
    }
    if !chunk.is_empty() {
        push(&chunk)?;
    }
    Ok(())
}

/// Finds the ballot objects of the `ballots` array, optionally hashing
/// every byte it passes.
struct Scanner<'r, R: Read> {
    reader: BufReader<&'r mut R>,
    hasher: Option<ring::digest::Context>,
    /// Whether the array's first element or its end comes next.
    first: bool,
}

impl<'r, R: Read> Scanner<'r, R> {
    fn new(reader: &'r mut R, hash: bool) -> Self {
        Scanner {
            reader: BufReader::with_capacity(1 << 20, reader),
            hasher: hash.then(|| ring::digest::Context::new(&ring::digest::SHA256)),
            first: true,
        }
    }

    fn consume(&mut self, n: usize) {
        if let Some(hasher) = &mut self.hasher {
            if let Ok(buf) = self.reader.fill_buf() {
                hasher.update(buf.get(..n).unwrap_or(buf));
            }
        }
        self.reader.consume(n);
    }

    fn peek(&mut self) -> Result<Option<u8>, RecordError> {
        Ok(self.reader.fill_buf().map_err(io)?.first().copied())
    }

    fn starts_with_prefix(&mut self) -> Result<bool, RecordError> {
        for &want in PREFIX {
            if self.peek()? != Some(want) {
                return Ok(false);
            }
            self.consume(1);
        }
        Ok(true)
    }

    /// Reads the next ballot object into `out`; `false` at the array's
    /// end, which is left unread (it belongs to the rest of the record).
    fn next_entry(&mut self, out: &mut Vec<u8>) -> Result<bool, RecordError> {
        out.clear();
        match (self.peek()?, self.first) {
            (Some(b']'), _) => return Ok(false),
            (Some(b'{'), true) => {}
            (Some(b','), false) => self.consume(1),
            _ => return Err(RecordError::NotCanonical),
        }
        self.first = false;
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        loop {
            let buf = self.reader.fill_buf().map_err(io)?;
            if buf.is_empty() {
                return Err(RecordError::Parse("the file ends inside a ballot".into()));
            }
            let mut end = None;
            for (i, &byte) in buf.iter().enumerate() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if byte == b'\\' {
                        escaped = true;
                    } else if byte == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
                if depth == 0 {
                    return Err(RecordError::NotCanonical);
                }
            }
            let n = end.unwrap_or(buf.len());
            out.extend_from_slice(buf.get(..n).unwrap_or(buf));
            self.consume(n);
            if end.is_some() {
                return Ok(true);
            }
        }
    }
}
