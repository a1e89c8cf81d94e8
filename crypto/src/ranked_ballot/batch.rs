//! Verifying many ranked answers at once, as [`crate::ballot_batch`] does
//! for mark ballots: challenges are checked one by one (hashing), the two
//! equations of every proof branch of a chunk of answers are folded with
//! secret random 128-bit weights into one multi-scalar multiplication
//! (Bellare, Garay, Rabin 1998; a false equation passes with probability at
//! most 2^-128), and only a chunk that fails is checked answer by answer to
//! name the bad ones. Chunks run on all cores.

use super::{rank_transcript, EncryptedRanking, RankedError, RankedQuestion};
use crate::credential::PublicCredential;
use crate::elgamal::Ciphertext;
use crate::group::{generator, Point, Scalar, ScalarSource};
use crate::range_proof::{verify_equations, CheckedBranch};
use crate::CryptoError;
use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};
use rayon::prelude::*;

/// Answers per multi-scalar multiplication.
const CHUNK: usize = 128;

/// One cast ranked answer to check: the credential that cast it and the
/// encrypted ranking.
#[derive(Debug, Clone, Copy)]
pub struct RankingRef<'a> {
    /// The voter's public credential (part of every proof's transcript).
    pub credential: &'a PublicCredential,
    /// The encrypted ranking.
    pub ranking: &'a EncryptedRanking,
}

/// Why a batch of ranked answers was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RankingsError {
    /// These answers (index in the input, reason) are invalid; the others
    /// passed.
    #[error("{} invalid ranked answer(s), the first at index {}: {}",
        .0.len(),
        .0.first().map_or(0, |b| b.0),
        .0.first().map_or(String::new(), |b| b.1.to_string()))]
    Invalid(Vec<(usize, RankedError)>),
    /// The random source failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// An answer whose encodings and challenges were checked.
struct Decoded {
    ciphertexts: Vec<Ciphertext>,
    proofs: Vec<Vec<CheckedBranch>>,
}

fn decode(
    question: &RankedQuestion,
    credential: &PublicCredential,
    ranking: &EncryptedRanking,
) -> Result<Decoded, RankedError> {
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
    let mut ciphertexts = Vec::with_capacity(options);
    let mut proofs = Vec::with_capacity(options);
    for (option, (encoded, proof)) in ranking.choices.iter().zip(&ranking.proofs).enumerate() {
        let ciphertext = encoded
            .decode()
            .map_err(|_| RankedError::Ciphertext { option })?;
        let transcript = rank_transcript(question, credential, option, encoded);
        let branches = proof
            .check_challenges(transcript, 0, u64::from(question.options))
            .map_err(|fault| RankedError::RankProof {
                option,
                max: question.options,
                fault,
            })?;
        ciphertexts.push(ciphertext);
        proofs.push(branches);
    }
    Ok(Decoded {
        ciphertexts,
        proofs,
    })
}

fn exact(question: &RankedQuestion, answer: &Decoded) -> Result<(), RankedError> {
    for (option, (ciphertext, branches)) in
        answer.ciphertexts.iter().zip(&answer.proofs).enumerate()
    {
        verify_equations(branches, question.public_key(), ciphertext).map_err(|fault| {
            RankedError::RankProof {
                option,
                max: question.options,
                fault,
            }
        })?;
    }
    Ok(())
}

/// Secret 128-bit weights: SHA-512(tag || seed || counter) cut into four.
struct Weights {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 64],
    used: usize,
}

impl Weights {
    fn next(&mut self) -> Scalar {
        if self.used >= 64 {
            let mut context = ring::digest::Context::new(&ring::digest::SHA512);
            context.update(b"votum-v2-ranked-weights\0");
            context.update(&self.seed);
            context.update(&self.counter.to_be_bytes());
            self.counter += 1;
            self.block.copy_from_slice(context.finish().as_ref());
            self.used = 0;
        }
        let piece = crate::shuffle::short_scalar(self.block.get(self.used..).unwrap_or_default());
        self.used += 16;
        piece
    }
}

/// Whether every equation of `answers` holds, folded with weights from `seed`.
fn chunk_holds(question: &RankedQuestion, answers: &[&Decoded], seed: [u8; 32]) -> bool {
    let mut weights = Weights {
        seed,
        counter: 0,
        block: [0; 64],
        used: 64,
    };
    let (mut g, mut y) = (Scalar::ZERO, Scalar::ZERO);
    let mut scalars = Vec::new();
    let mut points = Vec::new();
    for answer in answers {
        for (ciphertext, branches) in answer.ciphertexts.iter().zip(&answer.proofs) {
            let (mut alpha, mut beta) = (Scalar::ZERO, Scalar::ZERO);
            for branch in branches {
                // u·(s·G − A − c·α) + v·(s·Y − B − c·β + c·i·G)
                let (u, v) = (weights.next(), weights.next());
                let vc = v * branch.c;
                g += u * branch.s + vc * Scalar::from(branch.value);
                y += v * branch.s;
                scalars.push(-u);
                points.push(branch.a);
                scalars.push(-v);
                points.push(branch.b);
                alpha -= u * branch.c;
                beta -= vc;
            }
            scalars.push(alpha);
            points.push(ciphertext.alpha);
            scalars.push(beta);
            points.push(ciphertext.beta);
        }
    }
    scalars.push(g);
    points.push(generator());
    scalars.push(y);
    points.push(*question.public_key().point());
    Point::vartime_multiscalar_mul(&scalars, &points) == Point::identity()
}

/// A chunk's rows, or its bad answers (index in the input, reason).
type ChunkResult = Result<Vec<Vec<Ciphertext>>, Vec<(usize, RankedError)>>;

/// Verifies every ranked answer (same rules and errors as
/// [`super::verify_ranking`]) in batches on all cores, and returns each
/// answer's ciphertexts — the rows of the first mix, in input order — or
/// every invalid answer with its reason. The weights' seeds come from
/// `source`, which must be unpredictable to whoever made the answers
/// ([`crate::group::SystemScalars`]).
pub fn verify_rankings(
    question: &RankedQuestion,
    rankings: &[RankingRef<'_>],
    source: &mut dyn ScalarSource,
) -> Result<Vec<Vec<Ciphertext>>, RankingsError> {
    let seeds = (0..rankings.len().div_ceil(CHUNK))
        .map(|_| source.scalar().map(|s| s.to_bytes()))
        .collect::<Result<Vec<_>, _>>()?;
    let results: Vec<ChunkResult> = rankings
        .par_chunks(CHUNK)
        .zip(seeds)
        .enumerate()
        .map(|(chunk_index, (chunk, seed))| {
            let offset = chunk_index * CHUNK;
            let mut bad = Vec::new();
            let mut good = Vec::with_capacity(chunk.len());
            for (i, item) in chunk.iter().enumerate() {
                match decode(question, item.credential, item.ranking) {
                    Ok(d) => good.push((offset + i, d)),
                    Err(e) => bad.push((offset + i, e)),
                }
            }
            let refs: Vec<&Decoded> = good.iter().map(|(_, d)| d).collect();
            if !chunk_holds(question, &refs, seed) {
                for (i, d) in &good {
                    if let Err(e) = exact(question, d) {
                        bad.push((*i, e));
                    }
                }
            }
            if bad.is_empty() {
                Ok(good.into_iter().map(|(_, d)| d.ciphertexts).collect())
            } else {
                bad.sort_by_key(|b| b.0);
                Err(bad)
            }
        })
        .collect();
    let mut rows = Vec::with_capacity(rankings.len());
    let mut bad = Vec::new();
    for result in results {
        match result {
            Ok(mut part) => rows.append(&mut part),
            Err(mut found) => bad.append(&mut found),
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(RankingsError::Invalid(bad))
    }
}
