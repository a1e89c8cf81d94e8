//! Verifying many encrypted ballots at once, and adding them up.
//!
//! Every proof branch of every ballot must satisfy two equations
//! (see [`crate::range_proof`]):
//!
//! ```text
//! s·G − A − c·α = 0        s·Y − B − c·β + c·i·G = 0
//! ```
//!
//! Instead of checking each one, the verifier gives every equation a secret
//! random 128-bit weight and checks that the weighted sum of all of a
//! chunk's equations is zero — one variable-time multi-scalar
//! multiplication (Pippenger's method) over every commitment and ciphertext
//! of the chunk, with the coefficients of G and Y gathered into one term
//! each and those of each ciphertext's α and β into one term each. If some
//! equation E_k fails, then for any values of the other weights at most one
//! of the 2^128 values of w_k makes the sum zero (the group has prime order
//! ℓ > 2^128): a bad ballot passes with probability at most 2^-128 (the
//! small-exponents test of Bellare, Garay, Rabin, "Fast batch verification
//! for modular exponentiation and digital signatures", 1998). Short
//! weights halve the work for the commitments' terms. The weights are
//! SHA-512(b"votum-v2-batch-weights\0" || seed || counter) cut into 16-byte
//! little-endian pieces, with a fresh secret 32-byte seed per chunk from
//! the caller's [`ScalarSource`]. Challenges and encodings are still
//! checked one by one (hashing is cheap). When a chunk fails, each of its
//! ballots is checked exactly, so the bad ones are named.
//!
//! Chunks are spread over the number of threads the caller asks for
//! (`std::thread::scope`; one thread spawns nothing, which a browser build
//! needs).

use crate::credential::PublicCredential;
use crate::elgamal::Ciphertext;
use crate::encrypted_ballot::{
    check_equations, decode_ballot, BallotError, DecodedBallot, ElectionParameters, EncryptedBallot,
};
use crate::group::{generator, Point, Scalar, ScalarSource};
use crate::range_proof::CheckedBranch;
use crate::CryptoError;
use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};

/// Ballots per multi-scalar multiplication. Above about a thousand points
/// Pippenger's method costs the same per point, so chunks of this size lose
/// nothing to one huge multiplication and keep memory small.
const CHUNK: usize = 128;

/// One cast ballot to check: the credential that cast it and the ballot.
#[derive(Debug, Clone, Copy)]
pub struct BallotRef<'a> {
    /// The voter's public credential (part of every proof's transcript).
    pub credential: &'a PublicCredential,
    /// The encrypted ballot.
    pub ballot: &'a EncryptedBallot,
}

/// The homomorphic sum of verified ballots: per question, per option, the
/// encryption of the number of marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedTally {
    /// Ballots added.
    pub ballots: u64,
    /// Sums per question and option.
    pub sums: Vec<Vec<Ciphertext>>,
}

impl EncryptedTally {
    /// The tally of no ballots for `params`' questions.
    pub fn empty(params: &ElectionParameters) -> Self {
        EncryptedTally {
            ballots: 0,
            sums: params
                .questions()
                .iter()
                .map(|q| vec![Ciphertext::zero(); q.options as usize])
                .collect(),
        }
    }

    /// Adds one ballot's ciphertexts (as returned by verification).
    pub fn add(&mut self, ciphertexts: &[Vec<Ciphertext>]) {
        self.ballots += 1;
        for (sums, answer) in self.sums.iter_mut().zip(ciphertexts) {
            for (sum, c) in sums.iter_mut().zip(answer) {
                *sum = *sum + c;
            }
        }
    }

    /// Adds another tally of the same election.
    pub fn merge(&mut self, other: &EncryptedTally) {
        self.ballots += other.ballots;
        for (sums, answer) in self.sums.iter_mut().zip(&other.sums) {
            for (sum, c) in sums.iter_mut().zip(answer) {
                *sum = *sum + c;
            }
        }
    }
}

/// Why a batch was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// These ballots (index in the input, reason) are invalid; the others
    /// passed.
    #[error("{} invalid ballot(s), the first at index {}: {}",
        .0.len(),
        .0.first().map_or(0, |b| b.0),
        .0.first().map_or(String::new(), |b| b.1.to_string()))]
    Invalid(Vec<(usize, BallotError)>),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] CryptoError),
    /// A worker thread stopped unexpectedly.
    #[error("a verification thread failed")]
    Thread,
}

/// Verifies every ballot and adds them up, on `threads` threads (1 spawns
/// none). Returns the encrypted tally, or every invalid ballot with its
/// reason. The weights' seeds come from `source`, which must be
/// unpredictable to whoever made the ballots
/// ([`crate::group::SystemScalars`]).
pub fn verify_batch(
    params: &ElectionParameters,
    ballots: &[BallotRef<'_>],
    threads: usize,
    source: &mut dyn ScalarSource,
) -> Result<EncryptedTally, BatchError> {
    let chunks: Vec<&[BallotRef<'_>]> = ballots.chunks(CHUNK).collect();
    let mut weights = Vec::with_capacity(chunks.len());
    for _ in 0..chunks.len() {
        weights.push(source.scalar()?);
    }
    let work: Vec<(usize, &[BallotRef<'_>], Scalar)> = chunks
        .into_iter()
        .zip(weights)
        .enumerate()
        .map(|(i, (chunk, seed))| (i * CHUNK, chunk, seed))
        .collect();
    let threads = threads.max(1);
    let per_thread = work.len().div_ceil(threads).max(1);
    let results: Vec<ChunkResult> = if threads == 1 {
        vec![run_chunks(params, &work)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = work
                .chunks(per_thread)
                .map(|part| scope.spawn(move || run_chunks(params, part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(ChunkResult::Failed))
                .collect()
        })
    };
    let mut tally = EncryptedTally::empty(params);
    let mut bad = Vec::new();
    for result in results {
        match result {
            ChunkResult::Ok(part) => tally.merge(&part),
            ChunkResult::Invalid(mut found) => bad.append(&mut found),
            ChunkResult::Failed => return Err(BatchError::Thread),
        }
    }
    if bad.is_empty() {
        Ok(tally)
    } else {
        bad.sort_by_key(|b| b.0);
        Err(BatchError::Invalid(bad))
    }
}

/// Verifies one ballot like [`crate::encrypted_ballot::verify_ballot`]
/// (same rules, same errors), but checks the equations with one random
/// linear combination (one seed from `source`): several times faster, for checking ballots as they
/// are cast. Returns the ballot's ciphertexts.
pub fn verify_one(
    params: &ElectionParameters,
    credential: &PublicCredential,
    ballot: &EncryptedBallot,
    source: &mut dyn ScalarSource,
) -> Result<Vec<Vec<Ciphertext>>, BallotError> {
    let decoded = decode_ballot(params, credential, ballot)?;
    let mut acc = Accumulator::new(source.scalar()?, 1);
    acc.add_ballot(params, &decoded);
    if !acc.holds(params) {
        check_equations(params, &decoded)?;
    }
    Ok(decoded
        .answers
        .into_iter()
        .map(|answer| answer.ciphertexts)
        .collect())
}

enum ChunkResult {
    Ok(EncryptedTally),
    Invalid(Vec<(usize, BallotError)>),
    Failed,
}

fn run_chunks(
    params: &ElectionParameters,
    work: &[(usize, &[BallotRef<'_>], Scalar)],
) -> ChunkResult {
    let mut tally = EncryptedTally::empty(params);
    let mut bad = Vec::new();
    for (offset, chunk, seed) in work {
        match check_chunk(params, chunk, seed) {
            Ok(decoded) => {
                for ballot in &decoded {
                    add_decoded(&mut tally, ballot);
                }
            }
            Err(found) => bad.extend(found.into_iter().map(|(i, e)| (offset + i, e))),
        }
    }
    if bad.is_empty() {
        ChunkResult::Ok(tally)
    } else {
        ChunkResult::Invalid(bad)
    }
}

fn add_decoded(tally: &mut EncryptedTally, ballot: &DecodedBallot) {
    tally.ballots += 1;
    for (sums, answer) in tally.sums.iter_mut().zip(&ballot.answers) {
        for (sum, c) in sums.iter_mut().zip(&answer.ciphertexts) {
            *sum = *sum + c;
        }
    }
}

/// Checks one chunk; on failure returns the bad ballots (index in chunk).
fn check_chunk(
    params: &ElectionParameters,
    chunk: &[BallotRef<'_>],
    seed: &Scalar,
) -> Result<Vec<DecodedBallot>, Vec<(usize, BallotError)>> {
    let mut bad = Vec::new();
    let mut decoded = Vec::with_capacity(chunk.len());
    for (i, item) in chunk.iter().enumerate() {
        match decode_ballot(params, item.credential, item.ballot) {
            Ok(d) => decoded.push((i, d)),
            Err(e) => bad.push((i, e)),
        }
    }
    let mut acc = Accumulator::new(*seed, decoded.len());
    for (_, ballot) in &decoded {
        acc.add_ballot(params, ballot);
    }
    if !acc.holds(params) {
        // Find the culprits exactly.
        for (i, ballot) in &decoded {
            if let Err(e) = check_equations(params, ballot) {
                bad.push((*i, e));
            }
        }
    }
    if bad.is_empty() {
        Ok(decoded.into_iter().map(|(_, d)| d).collect())
    } else {
        bad.sort_by_key(|b| b.0);
        Err(bad)
    }
}

/// Secret 128-bit weights from a seed: SHA-512 in counter mode.
struct Weights {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 64],
    used: usize,
}

impl Weights {
    fn new(seed: &Scalar) -> Self {
        Weights {
            seed: seed.to_bytes(),
            counter: 0,
            block: [0; 64],
            used: 64,
        }
    }

    fn next(&mut self) -> Scalar {
        if self.used >= 64 {
            let mut context = ring::digest::Context::new(&ring::digest::SHA512);
            context.update(b"votum-v2-batch-weights\0");
            context.update(&self.seed);
            context.update(&self.counter.to_be_bytes());
            self.counter += 1;
            self.block.copy_from_slice(context.finish().as_ref());
            self.used = 0;
        }
        let mut piece = [0u8; 16];
        for (to, from) in piece.iter_mut().zip(self.block.iter().skip(self.used)) {
            *to = *from;
        }
        self.used += 16;
        Scalar::from(u128::from_le_bytes(piece))
    }
}

/// The terms of the weighted sum of equations.
struct Accumulator {
    weights: Weights,
    g: Scalar,
    y: Scalar,
    scalars: Vec<Scalar>,
    points: Vec<Point>,
}

impl Accumulator {
    fn new(seed: Scalar, ballots: usize) -> Self {
        Accumulator {
            weights: Weights::new(&seed),
            g: Scalar::ZERO,
            y: Scalar::ZERO,
            scalars: Vec::with_capacity(ballots * 48),
            points: Vec::with_capacity(ballots * 48),
        }
    }

    /// Adds the two equations of `branch`, whose ciphertext's α and β get
    /// the coefficients `alpha` and `beta` added to.
    fn add_branch(&mut self, branch: &CheckedBranch, alpha: &mut Scalar, beta: &mut Scalar) {
        let u = self.weights.next();
        let v = self.weights.next();
        let vc = v * branch.c;
        // u·(s·G − A − c·α) + v·(s·Y − B − c·β + c·i·G)
        self.g += u * branch.s;
        match branch.value {
            0 => {}
            1 => self.g += vc,
            value => self.g += vc * Scalar::from(value),
        }
        self.y += v * branch.s;
        self.scalars.push(-u);
        self.points.push(branch.a);
        self.scalars.push(-v);
        self.points.push(branch.b);
        *alpha -= u * branch.c;
        *beta -= vc;
    }

    fn add_ballot(&mut self, params: &ElectionParameters, ballot: &DecodedBallot) {
        for (shape, answer) in params.questions().iter().zip(&ballot.answers) {
            // The count proof is about the weighted sum of the ciphertexts:
            // its α and β coefficients go to every ciphertext of the
            // question, times the option's weight ("none" weighs max_marks).
            let (mut sum_alpha, mut sum_beta) = (Scalar::ZERO, Scalar::ZERO);
            for branch in &answer.count_proof {
                self.add_branch(branch, &mut sum_alpha, &mut sum_beta);
            }
            for (option, (ciphertext, branches)) in
                answer.ciphertexts.iter().zip(&answer.proofs).enumerate()
            {
                let (mut alpha, mut beta) = match shape.weight(option) {
                    1 => (sum_alpha, sum_beta),
                    w => (sum_alpha * Scalar::from(w), sum_beta * Scalar::from(w)),
                };
                for branch in branches {
                    self.add_branch(branch, &mut alpha, &mut beta);
                }
                self.scalars.push(alpha);
                self.points.push(ciphertext.alpha);
                self.scalars.push(beta);
                self.points.push(ciphertext.beta);
            }
        }
    }

    fn holds(mut self, params: &ElectionParameters) -> bool {
        self.scalars.push(self.g);
        self.points.push(generator());
        self.scalars.push(self.y);
        self.points.push(*params.public_key().point());
        Point::vartime_multiscalar_mul(&self.scalars, &self.points) == Point::identity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encrypted_ballot::encrypt_ballot;
    use crate::encrypted_ballot::tests::{add_order, choices, credential, election, forged_answer};
    use crate::group::{ScalarSource, SeededScalars};

    fn ballots(
        n: usize,
    ) -> (
        crate::elgamal::SecretKey,
        ElectionParameters,
        Vec<(PublicCredential, EncryptedBallot)>,
    ) {
        let (key, params) = election(b"batch");
        let mut source = SeededScalars::new(b"batch ballots");
        let cast = (0..n)
            .map(|i| {
                let cred = credential(i as u8);
                let ballot = encrypt_ballot(&params, &cred, &choices(), &mut source).unwrap();
                (cred, ballot)
            })
            .collect();
        (key, params, cast)
    }

    fn refs(cast: &[(PublicCredential, EncryptedBallot)]) -> Vec<BallotRef<'_>> {
        cast.iter()
            .map(|(credential, ballot)| BallotRef { credential, ballot })
            .collect()
    }

    #[test]
    fn a_valid_batch_passes_and_sums_to_the_marks() {
        let (key, params, cast) = ballots(CHUNK + 30);
        for threads in [1, 2, 3] {
            let tally = verify_batch(
                &params,
                &refs(&cast),
                threads,
                &mut SeededScalars::new(b"z"),
            )
            .unwrap();
            assert_eq!(tally.ballots, cast.len() as u64);
            let n = cast.len() as u64;
            let counts: Vec<Vec<u64>> = tally
                .sums
                .iter()
                .map(|q| q.iter().map(|c| key.decrypt(c, n).unwrap()).collect())
                .collect();
            assert_eq!(counts, vec![vec![n, 0, n, n, 0, 0], vec![0, 0, n]]);
        }
        let empty = verify_batch(&params, &[], 2, &mut SeededScalars::new(b"z")).unwrap();
        assert_eq!(empty, EncryptedTally::empty(&params));
    }

    #[test]
    fn the_weighted_equation_holds_for_valid_ballots_and_fails_for_a_forgery() {
        let (_, params, mut cast) = ballots(3);
        let decode = |cast: &[(PublicCredential, EncryptedBallot)]| -> Vec<DecodedBallot> {
            cast.iter()
                .map(|(c, b)| decode_ballot(&params, c, b).unwrap())
                .collect()
        };
        let z = SeededScalars::new(b"z").scalar().unwrap();
        let mut acc = Accumulator::new(z, 3);
        decode(&cast)
            .iter()
            .for_each(|b| acc.add_ballot(&params, b));
        assert!(acc.holds(&params));
        let cred = cast[1].0;
        let mut source = SeededScalars::new(b"forger");
        cast[1].1.answers[1] = forged_answer(&params, &cred, 1, &[0, 1, 1], 1, &mut source);
        let mut acc = Accumulator::new(z, 3);
        decode(&cast)
            .iter()
            .for_each(|b| acc.add_ballot(&params, b));
        assert!(!acc.holds(&params));
    }

    #[test]
    fn verify_one_agrees_with_the_exact_verifier() {
        let (_, params, mut cast) = ballots(2);
        let mut z = SeededScalars::new(b"z");
        let (cred, ballot) = &cast[0];
        assert_eq!(
            verify_one(&params, cred, ballot, &mut z).unwrap(),
            crate::encrypted_ballot::verify_ballot(&params, cred, ballot).unwrap()
        );
        let cred = cast[1].0;
        let mut source = SeededScalars::new(b"forger");
        cast[1].1.answers[0] =
            forged_answer(&params, &cred, 0, &[0, 2, 0, 0, 0, 0], 2, &mut source);
        assert!(matches!(
            verify_one(&params, &cred, &cast[1].1, &mut z),
            Err(BallotError::MarkProof {
                question: 0,
                option: 1,
                ..
            })
        ));
        assert!(matches!(
            verify_one(&params, &credential(9), &cast[0].1, &mut z),
            Err(BallotError::MarkProof {
                question: 0,
                option: 0,
                ..
            })
        ));
    }

    #[test]
    fn the_batch_names_each_bad_ballot() {
        let (_, params, mut cast) = ballots(CHUNK + 10);
        let mut source = SeededScalars::new(b"forger");
        // Index 5: a forged 2 (only the equations fail, so only the batch
        // equation can catch it). Index CHUNK + 3: a proof copied from
        // another voter. Index 40: a scalar ≥ ℓ.
        let cred5 = cast[5].0;
        cast[5].1.answers[0] =
            forged_answer(&params, &cred5, 0, &[2, 0, 0, 0, 0, 0], 2, &mut source);
        let other = cast[CHUNK + 4].1.clone();
        cast[CHUNK + 3].1 = other;
        let s = cast[40].1.answers[1].proofs[2].branches[1].s;
        cast[40].1.answers[1].proofs[2].branches[1].s = add_order(&s);
        let Err(BatchError::Invalid(bad)) =
            verify_batch(&params, &refs(&cast), 2, &mut SeededScalars::new(b"z"))
        else {
            panic!("the batch passed");
        };
        let indices: Vec<usize> = bad.iter().map(|b| b.0).collect();
        assert_eq!(indices, vec![5, 40, CHUNK + 3]);
        assert!(matches!(
            bad[0].1,
            BallotError::MarkProof {
                question: 0,
                option: 0,
                ..
            }
        ));

        // The only bad ballot of a batch is found alone.
        let (_, params, mut cast) = ballots(20);
        let cred = cast[11].0;
        cast[11].1.answers[0] =
            forged_answer(&params, &cred, 0, &[1, 1, 1, 1, 0, 0], 3, &mut source);
        let Err(BatchError::Invalid(bad)) =
            verify_batch(&params, &refs(&cast), 1, &mut SeededScalars::new(b"z"))
        else {
            panic!("the batch passed");
        };
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 11);
    }
}
