//! Every `RecordError` variant, each from its own tampered record or
//! receipt; the exhaustive match stops a new variant from going untested.

use super::record::{
    code, election, key_of, rechain, resign, single, yes_no, Election, ANNA, BALLOT_ID, DAVID, EVA,
    LOST,
};
use votum_ballots::record::{
    count, verify, verify_receipt, ActKind, ElectionRecord, PostalStatus, PostalVote, RecordError,
};
use votum_ballots::{QuestionKind, YesNoVote};
use votum_crypto::CredentialKey;

#[test]
fn every_record_error_is_reachable() {
    let (record, key, receipts) = election();
    let tampered = |change: &dyn Fn(&mut ElectionRecord)| {
        let mut r = record.clone();
        change(&mut r);
        r.sign(&key);
        verify(&r).unwrap_err()
    };
    let counted = |change: &dyn Fn(&mut Election)| {
        let mut e = Election::open();
        change(&mut e);
        count(&e.record).unwrap_err()
    };
    let json = record.to_json();
    let mut moved = record.clone();
    moved.ballots.swap(1, 2);
    moved.ballots[1].position = 1;
    moved.ballots[2].position = 2;
    let rewritten = resign(rechain(moved), &key);
    let mut dropped = rechain(ElectionRecord {
        ballots: record.ballots[..3].to_vec(),
        ..record.clone()
    });
    dropped.results = count(&dropped).unwrap();
    let dropped = resign(dropped, &key);
    let errors = vec![
        ElectionRecord::from_json(b"{}").unwrap_err(),
        ElectionRecord::from_json(json.replacen(',', ", ", 1).as_bytes()).unwrap_err(),
        tampered(&|r| r.version = 2),
        {
            let mut r = record.clone();
            r.signature = None;
            verify(&r).unwrap_err()
        },
        tampered(&|r| r.ballot.id = "b\0".into()),
        tampered(&|r| {
            r.ballot.questions[0].kind = QuestionKind::SingleChoice {
                options: vec![],
                runoff: false,
            }
        }),
        tampered(&|r| r.credentials.swap(0, 1)),
        tampered(&|r| {
            // The smallest byte strings sort first; find one that is no
            // curve point.
            let not_a_point = (1u8..=255)
                .map(|k| {
                    let mut bytes = [0u8; 32];
                    bytes[0] = k;
                    votum_crypto::credential::PublicCredential(bytes)
                })
                .find(|c| !c.is_point())
                .unwrap();
            r.credentials[0].credential = not_a_point;
        }),
        tampered(&|r| r.electorate.credentials_issued = 9),
        tampered(&|r| r.electorate.size = 1),
        tampered(&|r| {
            r.credentials.iter_mut().for_each(|c| c.revoked = false);
            r.electorate.size = 6;
        }),
        tampered(&|r| r.ballots[0].position = 5),
        tampered(&|r| {
            let david = key_of(DAVID);
            r.credentials.retain(|c| c.credential != david);
            r.electorate.credentials_issued -= 1;
        }),
        counted(&|e| e.cast(LOST, &[single(1), yes_no(YesNoVote::Yes)])),
        counted(&|e| e.cast(ANNA, &[single(1)])),
        tampered(&|r| r.ballots[1].credential = key_of(EVA)),
        tampered(&|r| r.ballots[1].hash[0] ^= 1),
        tampered(&|r| r.ballots[1].chain[0] ^= 1),
        tampered(&|r| r.ballot.revoting = false),
        {
            // The first ballot once more, at the end of the chain.
            let mut r = record.clone();
            let mut again = r.ballots[0].clone();
            again.position = r.ballots.len() as u64;
            r.ballots.push(again);
            count(&rechain(r)).unwrap_err()
        },
        tampered(&|r| r.chain_head[0] ^= 1),
        tampered(&|r| {
            let first = r.postal[0].clone();
            r.postal.insert(0, first);
        }),
        tampered(&|r| {
            r.postal.push(PostalVote {
                credential: CredentialKey::derive(&code(99), BALLOT_ID).public(),
                choices: vec![],
                status: PostalStatus::Counted,
            });
            r.postal.sort_by_key(|p| p.credential);
        }),
        tampered(&|r| {
            r.postal.push(PostalVote {
                credential: key_of(LOST),
                choices: vec![],
                status: PostalStatus::Counted,
            });
            r.postal.sort_by_key(|p| p.credential);
        }),
        tampered(&|r| {
            for p in &mut r.postal {
                p.choices.truncate(1);
            }
        }),
        tampered(&|r| {
            for p in &mut r.postal {
                if p.status == PostalStatus::VoidUsedOnline {
                    p.status = PostalStatus::Counted;
                    p.choices = vec![single(1), yes_no(YesNoVote::Yes)];
                }
            }
        }),
        tampered(&|r| {
            for p in &mut r.postal {
                if p.status == PostalStatus::Counted {
                    p.status = PostalStatus::VoidUsedOnline;
                    p.choices = vec![];
                }
            }
        }),
        tampered(&|r| r.officer_acts[0].requested_by = String::new()),
        tampered(&|r| r.officer_acts[0].at = "yesterday".into()),
        tampered(&|r| r.officer_acts.swap(0, 1)),
        tampered(&|r| r.officer_acts.retain(|a| a.act != ActKind::Open)),
        tampered(&|r| {
            r.results.pop();
        }),
        tampered(&|r| r.results[0].electorate += 1),
        verify_receipt(&record, &{
            let mut receipt = receipts[0].clone();
            receipt.ballot_id = "b-other".into();
            receipt
        })
        .unwrap_err(),
        verify_receipt(&record, &{
            let mut receipt = receipts[0].clone();
            receipt.position = 1;
            receipt
        })
        .unwrap_err(),
        verify_receipt(&dropped, &receipts[3]).unwrap_err(),
        verify_receipt(&rewritten, &receipts[1]).unwrap_err(),
        verify_receipt(&rewritten, &receipts[3]).unwrap_err(),
    ];
    let mut seen = std::collections::BTreeMap::new();
    for error in &errors {
        assert!(!error.to_string().is_empty());
        let name = match error {
            RecordError::Parse(_) => "parse",
            RecordError::NotCanonical => "not_canonical",
            RecordError::UnsupportedFormat { .. } => "unsupported_format",
            RecordError::RecordSignature => "record_signature",
            RecordError::BadBallotId => "bad_ballot_id",
            RecordError::BadQuestion { .. } => "bad_question",
            RecordError::CredentialsNotSorted { .. } => "credentials_not_sorted",
            RecordError::InvalidCredential { .. } => "invalid_credential",
            RecordError::CredentialCountMismatch { .. } => "credential_count",
            RecordError::TooManyCredentials { .. } => "too_many_credentials",
            RecordError::RevocationCount { .. } => "revocation_count",
            RecordError::PositionMismatch { .. } => "position",
            RecordError::UnknownCredential { .. } => "unknown_credential",
            RecordError::RevokedCredential { .. } => "revoked_credential",
            RecordError::InvalidChoices { .. } => "invalid_choices",
            RecordError::BadBallotSignature { .. } => "bad_ballot_signature",
            RecordError::BallotHashMismatch { .. } => "ballot_hash",
            RecordError::ChainMismatch { .. } => "chain",
            RecordError::DuplicateBallot { .. } => "duplicate_ballot",
            RecordError::ReplayedBallot { .. } => "replayed_ballot",
            RecordError::ChainHeadMismatch => "chain_head",
            RecordError::PostalNotSorted { .. } => "postal_not_sorted",
            RecordError::PostalUnknownCredential { .. } => "postal_unknown",
            RecordError::PostalRevokedCredential { .. } => "postal_revoked",
            RecordError::PostalChoiceCount { .. } => "postal_choice_count",
            RecordError::PostalAndOnline { .. } => "postal_and_online",
            RecordError::PostalVoidWithoutOnline { .. } => "postal_void_without_online",
            RecordError::ActUnconfirmed { .. } => "act_unconfirmed",
            RecordError::ActTime { .. } => "act_time",
            RecordError::ActsOutOfOrder { .. } => "acts_out_of_order",
            RecordError::MissingAct { .. } => "missing_act",
            RecordError::ResultCount { .. } => "result_count",
            RecordError::ResultMismatch { .. } => "result_mismatch",
            RecordError::ReceiptBallot => "receipt_ballot",
            RecordError::ReceiptSignature => "receipt_signature",
            RecordError::ReceiptPosition { .. } => "receipt_position",
            RecordError::ReceiptHash { .. } => "receipt_hash",
            RecordError::ReceiptChain { .. } => "receipt_chain",
            // Version 2 only: each is reached by a published test vector
            // or receipt test in `record_v2.rs`.
            RecordError::FingerprintMismatch
            | RecordError::UnsupportedProtocol { .. }
            | RecordError::BadCredentialOrigins
            | RecordError::CredentialOrigin { .. }
            | RecordError::LotCommitment
            | RecordError::PostalSignature { .. }
            | RecordError::PostalUnknownBatch { .. }
            | RecordError::ActOrder { .. }
            | RecordError::ActsIncomplete
            | RecordError::ActFields { .. }
            | RecordError::CastAfterClose { .. }
            | RecordError::BatchCount { .. }
            | RecordError::CredentialTotal { .. }
            | RecordError::ReceiptFingerprint
            // Protocol "encrypted": reached by the vectors of
            // `record_v2_encrypted.rs`.
            | RecordError::TrusteesMember
            | RecordError::BadTrustees { .. }
            | RecordError::RankedEncrypted { .. }
            | RecordError::BallotNotCanonical { .. }
            | RecordError::BallotProof { .. }
            | RecordError::PostalBallotProof { .. }
            | RecordError::TallyMember
            | RecordError::TallyInputFields { .. }
            | RecordError::TallySums { .. }
            | RecordError::PartialDecryption { .. }
            | RecordError::BelowThreshold { .. }
            | RecordError::CountsMismatch { .. } => panic!("a version 2 error from a v1 record"),
        };
        seen.entry(name).or_insert_with(|| error.clone());
    }
    // One case per variant, each producing its own variant.
    assert_eq!(seen.len(), errors.len(), "{seen:#?}");
    assert_eq!(seen.len(), 38);
}
