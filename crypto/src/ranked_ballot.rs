//! Ranked ballots under encryption (ballot protocol version 2): one
//! ElGamal ciphertext per option holding that option's rank — 0 for
//! unranked, 1 for the first preference, up to k for k options — each with
//! a range proof (0..k, [`RangeProof`]).
//!
//! A ranked ballot cannot be added up homomorphically (Schulze and STV need
//! whole rankings), so ranked answers go through the trustees' verifiable
//! shuffle ([`crate::shuffle`], one row of width k per ballot) and are
//! decrypted only after the last mix, when no ranking can be linked to the
//! credential that cast it. Whether the ranks form a ranking (every rank
//! 1..m exactly once, the rest 0) is checked on the decrypted plaintexts
//! with [`ranking_order`]; a ballot that fails is spoiled there and then,
//! visibly to every verifier, and still cannot be linked to anyone. This is
//! how Belenios treats non-homomorphic questions (Belenios specification,
//! "non-homomorphic questions").
//!
//! Why this encoding (`docs/election-record.md`, S.1): per ballot of k
//! options it costs k ciphertexts and k proofs of k+1 branches — for k = 5,
//! 320 bytes of ciphertexts and 60 branch equations, about 4.2 kB of
//! canonical JSON — and the shuffle moves rows of width k. A
//! permutation-matrix encoding (k² ciphertexts of 0 or 1, with row and
//! column sums proved) proves the ranking valid before mixing but costs k²
//! ciphertexts, about 2.5 times the proof size for k = 5, and makes every
//! mix k times slower (width k² instead of k).
//!
//! Every proof's transcript holds the election fingerprint, the public key,
//! the voter's credential, the question and the option, so a proof cannot
//! be copied into another ballot, election or position (as E.7).

use crate::credential::PublicCredential;
use crate::elgamal::{Ciphertext, EncodedCiphertext, PublicKey};
use crate::group::{ScalarSource, Transcript};
use crate::range_proof::{ProofFault, RangeProof};
use crate::CryptoError;
use serde::{Deserialize, Serialize};

/// Domain tag of the proof that one option's ciphertext encrypts a rank
/// in 0..k.
pub const RANK_PROOF_DOMAIN: &[u8] = b"ranked-rank";
/// The most options of one ranked question.
pub const MAX_OPTIONS: u32 = 64;

/// One ranked question of one election, as encryption sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedQuestion {
    fingerprint: [u8; 32],
    public_key: PublicKey,
    question: u32,
    options: u32,
}

impl RankedQuestion {
    /// Question number `question` (from 0, its position among the ballot's
    /// questions) with `options` options (1 to [`MAX_OPTIONS`]).
    pub fn new(
        fingerprint: [u8; 32],
        public_key: PublicKey,
        question: u32,
        options: u32,
    ) -> Result<Self, RankedError> {
        if options == 0 || options > MAX_OPTIONS {
            return Err(RankedError::Parameters(
                "a ranked question has 1 to 64 options",
            ));
        }
        Ok(RankedQuestion {
            fingerprint,
            public_key,
            question,
            options,
        })
    }

    /// The election fingerprint.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// The election public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The question's position in the ballot.
    pub fn question(&self) -> u32 {
        self.question
    }

    /// Number of options k (ranks are 0..=k).
    pub fn options(&self) -> u32 {
        self.options
    }
}

/// An encrypted ranking: per option, the ciphertext of its rank and the
/// proof that the rank is in 0..k. JSON `{"choices": [...], "proofs":
/// [...]}` as a mark answer (E.5) without `sum_proof`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedRanking {
    /// One ciphertext per option, in option order.
    pub choices: Vec<EncodedCiphertext>,
    /// One range proof (0..k) per option.
    pub proofs: Vec<RangeProof>,
}

/// Why ranks do not form a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RankingError {
    /// A rank above the number of options.
    #[error("option {option} has rank {rank}, but there are only {options} options")]
    OutOfRange {
        /// The option, from 0.
        option: usize,
        /// Its rank.
        rank: u64,
        /// The number of options.
        options: usize,
    },
    /// Two options share a rank.
    #[error("rank {rank} is given twice")]
    Repeated {
        /// The rank.
        rank: u64,
    },
    /// A rank is skipped while a later one is used.
    #[error("rank {rank} is missing, but a later rank is given")]
    Gap {
        /// The missing rank.
        rank: u64,
    },
}

/// Why a ranking could not be encrypted or was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RankedError {
    /// The question's parameters are impossible.
    #[error("invalid ranked question: {0}")]
    Parameters(&'static str),
    /// Not one ciphertext (or proof, or rank) per option.
    #[error("{found} {what} for {expected} options")]
    OptionCount {
        /// "ciphertexts", "proofs" or "ranks".
        what: &'static str,
        /// Options of the question.
        expected: usize,
        /// Items present.
        found: usize,
    },
    /// A ciphertext is not two canonical points (or α is the identity).
    #[error("option {option}: the ciphertext is not two canonical points")]
    Ciphertext {
        /// The option, from 0.
        option: usize,
    },
    /// An option's range proof was refused.
    #[error("option {option}: the proof that its rank is 0 to {max} fails: {fault}")]
    RankProof {
        /// The option, from 0.
        option: usize,
        /// The highest rank, k.
        max: u32,
        /// What is wrong.
        fault: ProofFault,
    },
    /// Encrypting: the ranks do not form a ranking.
    #[error("not a ranking: {0}")]
    NotARanking(#[from] RankingError),
    /// The random source failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The options in order of preference from ranks (0 = unranked): valid
/// when the non-zero ranks are exactly 1, 2, …, m, each once. An empty
/// ranking (all 0) gives an empty list; whether it counts is the counting
/// rules' decision.
pub fn ranking_order(ranks: &[u64]) -> Result<Vec<usize>, RankingError> {
    let options = ranks.len();
    let mut by_rank: Vec<Option<usize>> = vec![None; options];
    for (option, &rank) in ranks.iter().enumerate() {
        if rank == 0 {
            continue;
        }
        let slot = usize::try_from(rank - 1)
            .ok()
            .and_then(|r| by_rank.get_mut(r))
            .ok_or(RankingError::OutOfRange {
                option,
                rank,
                options,
            })?;
        if slot.is_some() {
            return Err(RankingError::Repeated { rank });
        }
        *slot = Some(option);
    }
    let used = by_rank
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |p| p + 1);
    let mut order = Vec::with_capacity(used);
    for (rank, slot) in by_rank.iter().take(used).enumerate() {
        match slot {
            Some(option) => order.push(*option),
            None => {
                return Err(RankingError::Gap {
                    rank: rank as u64 + 1,
                })
            }
        }
    }
    Ok(order)
}

/// The ranks (0 = unranked) of a ranking given as options in order of
/// preference; refuses an option given twice or out of range.
pub fn ranks_of(order: &[usize], options: usize) -> Result<Vec<u64>, RankingError> {
    let mut ranks = vec![0u64; options];
    for (position, &option) in order.iter().enumerate() {
        let rank = position as u64 + 1;
        let slot = ranks.get_mut(option).ok_or(RankingError::OutOfRange {
            option,
            rank,
            options,
        })?;
        if *slot != 0 {
            return Err(RankingError::Repeated { rank: *slot });
        }
        *slot = rank;
    }
    Ok(ranks)
}

/// The transcript of the rank proof of option `option`, up to (not
/// including) the bounds: domain `ranked-rank`, then `election`,
/// `public-key`, `credential`, `question`, `option`, `alpha`, `beta`.
pub fn rank_transcript(
    question: &RankedQuestion,
    credential: &PublicCredential,
    option: usize,
    ciphertext: &EncodedCiphertext,
) -> Transcript {
    let mut t = Transcript::new(RANK_PROOF_DOMAIN);
    t.append_bytes(b"election", &question.fingerprint)
        .append_bytes(b"public-key", &question.public_key.to_bytes())
        .append_bytes(b"credential", credential.as_bytes())
        .append_u64(b"question", u64::from(question.question))
        .append_u64(b"option", option as u64)
        .append_bytes(b"alpha", &ciphertext.alpha)
        .append_bytes(b"beta", &ciphertext.beta);
    t
}

/// Encrypts `ranks` (one per option, 0 = unranked) for the voter with
/// public credential `credential`, with a rank proof per option. Refuses
/// ranks that are not a ranking ([`ranking_order`]), so an honest client
/// never makes a ballot that will be spoiled.
pub fn encrypt_ranking(
    question: &RankedQuestion,
    credential: &PublicCredential,
    ranks: &[u64],
    source: &mut dyn ScalarSource,
) -> Result<EncryptedRanking, RankedError> {
    let options = question.options as usize;
    if ranks.len() != options {
        return Err(RankedError::OptionCount {
            what: "ranks",
            expected: options,
            found: ranks.len(),
        });
    }
    ranking_order(ranks)?;
    let key = &question.public_key;
    let max = u64::from(question.options);
    let mut choices = Vec::with_capacity(options);
    let mut proofs = Vec::with_capacity(options);
    for (option, &rank) in ranks.iter().enumerate() {
        let (ciphertext, mut r) = Ciphertext::encrypt(key, rank, source)?;
        let encoded = ciphertext.encode();
        let transcript = rank_transcript(question, credential, option, &encoded);
        let proof = RangeProof::prove(transcript, key, &ciphertext, &r, rank, 0, max, source);
        zeroize::Zeroize::zeroize(&mut r);
        proofs.push(proof?);
        choices.push(encoded);
    }
    Ok(EncryptedRanking { choices, proofs })
}

/// Verifies an encrypted ranking cast with `credential`: one ciphertext
/// and one proof per option, strict encodings, every proof (challenges and
/// equations). Returns the ciphertexts: the row this ballot brings to the
/// shuffle.
pub fn verify_ranking(
    question: &RankedQuestion,
    credential: &PublicCredential,
    ranking: &EncryptedRanking,
) -> Result<Vec<Ciphertext>, RankedError> {
    let options = question.options as usize;
    for (what, found) in [
        ("ciphertexts", ranking.choices.len()),
        ("proofs", ranking.proofs.len()),
    ] {
        if found != options {
            return Err(RankedError::OptionCount {
                what,
                expected: options,
                found,
            });
        }
    }
    let key = &question.public_key;
    ranking
        .choices
        .iter()
        .zip(&ranking.proofs)
        .enumerate()
        .map(|(option, (encoded, proof))| {
            let ciphertext = encoded
                .decode()
                .map_err(|_| RankedError::Ciphertext { option })?;
            let transcript = rank_transcript(question, credential, option, encoded);
            proof
                .verify(transcript, key, &ciphertext, 0, u64::from(question.options))
                .map_err(|fault| RankedError::RankProof {
                    option,
                    max: question.options,
                    fault,
                })?;
            Ok(ciphertext)
        })
        .collect()
}

mod batch;

pub use batch::{verify_rankings, RankingRef, RankingsError};

#[cfg(test)]
mod tests;
