//! A verifiable re-encryption shuffle of rows of ElGamal ciphertexts, with
//! the proof of Terelius and Wikström ("Proofs of restricted shuffles",
//! AFRICACRYPT 2010) as Verificatum specifies it (Wikström, "How to
//! implement a stand-alone verifier for the Verificatum mix-net") and as
//! Belenios implements it (Belenios specification, "shuffles"; the
//! algorithms are those of Haenni, Locher, Koenig, Dubuis, "Pseudo-code
//! algorithms for verifiable re-encryption mix-nets", FC 2017), written
//! additively over Ristretto255.
//!
//! Each trustee in turn takes N rows of `width` ciphertexts (one row per
//! ranked ballot, one ciphertext per option: [`crate::ranked_ballot`]),
//! permutes the rows with a secret permutation and re-encrypts every
//! ciphertext with fresh randomness. Its proof shows that the output rows
//! are re-encryptions of the input rows in some order — no row replaced,
//! dropped or duplicated — without saying which output row came from which
//! input row. After the last trustee, nobody can link a decrypted ranking
//! to the ballot (and so to the credential) it came from unless every
//! trustee shared their permutation.
//!
//! The proof (in `prove`, checked in `verify`):
//!
//! * independent generators h, h_1, …, h_N from hash-to-group
//!   ([`generators`]; nobody knows a relation between them);
//! * a commitment to the permutation, c_{π(i)} = r_{π(i)}·G + h_i;
//! * 128-bit batching challenges u_1 … u_N from a transcript of the whole
//!   statement (election, key, input, output, the commitments);
//! * a commitment chain ĉ_i = r̂_i·G + u'_i·ĉ_{i−1} (ĉ_0 = h) over the
//!   permuted challenges u'_i = u_{π(i)}, which proves that the committed
//!   matrix is a permutation;
//! * a Schnorr-like proof of knowledge of all openings with one challenge c
//!   from a transcript of the batching seed, the chain and the prover's
//!   commitments t_1, t_2, t_3, t_4 (one pair per column) and t̂_i.
//!
//! The proof keeps its commitments (the t values) rather than the
//! challenge, as Belenios does, so the verifier checks all equations at once
//! with random weights in one multi-scalar multiplication.
//!
//! Every computation over all rows runs on all cores (rayon). The exact
//! byte layout, every transcript item and every equation are in
//! `docs/election-record.md`, "Version 2: ranked ballots and the shuffle".

mod prove;
mod verify;

pub use prove::{prove, shuffle, ShuffleWitness};
pub use verify::verify_shuffle;

use crate::elgamal::{Ciphertext, EncodedCiphertext, PublicKey};
use crate::group::{Point, Scalar, Transcript};
use crate::CryptoError;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Domain of the transcript whose SHA-512 is the batching seed.
pub const BATCHING_DOMAIN: &[u8] = b"shuffle-batching";
/// Domain of the transcript whose hash is the proof's challenge c.
pub const CHALLENGE_DOMAIN: &[u8] = b"shuffle";
/// Prefix of the hash of every independent generator.
pub const GENERATOR_TAG: &[u8] = b"votum-v2-shuffle-generator\0";
/// Prefix of the hash of every batching challenge u_i.
pub const BATCHING_TAG: &[u8] = b"votum-v2-shuffle-batching\0";
/// The widest row a shuffle accepts (options of one ranked question).
pub const MAX_WIDTH: usize = 256;

/// What a shuffle is made and checked against: the election fingerprint,
/// the election public key and the width of every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShuffleParameters {
    fingerprint: [u8; 32],
    public_key: PublicKey,
    width: usize,
}

impl ShuffleParameters {
    /// Parameters for rows of `width` ciphertexts (1 to [`MAX_WIDTH`]).
    pub fn new(
        fingerprint: [u8; 32],
        public_key: PublicKey,
        width: usize,
    ) -> Result<Self, ShuffleError> {
        if width == 0 || width > MAX_WIDTH {
            return Err(ShuffleError::Parameters("a row has 1 to 256 ciphertexts"));
        }
        Ok(ShuffleParameters {
            fingerprint,
            public_key,
            width,
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

    /// Ciphertexts per row.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// Which list a ciphertext was found in, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// The rows the shuffle starts from.
    Input,
    /// The rows the shuffle produced.
    Output,
}

impl std::fmt::Display for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            List::Input => "input",
            List::Output => "output",
        })
    }
}

/// N rows of `width` ciphertexts each, decoded, together with their
/// canonical encodings (the transcripts hash the encodings; keeping them
/// saves compressing every point again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiphertextRows {
    width: usize,
    ciphertexts: Vec<Ciphertext>,
    encoded: Vec<EncodedCiphertext>,
}

impl CiphertextRows {
    /// Rows from ciphertexts (every α must not be the identity, as in a
    /// ballot); encodes them on all cores.
    pub fn new(width: usize, rows: &[Vec<Ciphertext>]) -> Result<Self, ShuffleError> {
        check_width(width)?;
        let mut ciphertexts = Vec::with_capacity(rows.len() * width);
        for (row, cts) in rows.iter().enumerate() {
            if cts.len() != width {
                return Err(ShuffleError::Width {
                    list: List::Input,
                    row,
                    expected: width,
                    found: cts.len(),
                });
            }
            ciphertexts.extend_from_slice(cts);
        }
        let encoded: Vec<EncodedCiphertext> = ciphertexts.par_iter().map(|c| c.encode()).collect();
        Ok(CiphertextRows {
            width,
            ciphertexts,
            encoded,
        })
    }

    /// Decodes published rows strictly (E.1: canonical points, α not the
    /// identity), on all cores; an error names `list`, the row and the
    /// column (from 0).
    pub fn decode(
        width: usize,
        rows: &[Vec<EncodedCiphertext>],
        list: List,
    ) -> Result<Self, ShuffleError> {
        check_width(width)?;
        let mut encoded = Vec::with_capacity(rows.len() * width);
        for (row, cts) in rows.iter().enumerate() {
            if cts.len() != width {
                return Err(ShuffleError::Width {
                    list,
                    row,
                    expected: width,
                    found: cts.len(),
                });
            }
            encoded.extend_from_slice(cts);
        }
        let ciphertexts = encoded
            .par_iter()
            .enumerate()
            .map(|(index, c)| {
                c.decode().map_err(|_| ShuffleError::Ciphertext {
                    list,
                    row: index / width,
                    column: index % width,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CiphertextRows {
            width,
            ciphertexts,
            encoded,
        })
    }

    /// Rows from already decoded ciphertexts and their encodings (as the
    /// shuffle makes them).
    pub(crate) fn from_parts(
        width: usize,
        ciphertexts: Vec<Ciphertext>,
        encoded: Vec<EncodedCiphertext>,
    ) -> Self {
        CiphertextRows {
            width,
            ciphertexts,
            encoded,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ciphertexts.len() / self.width
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.ciphertexts.is_empty()
    }

    /// Ciphertexts per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Row `index`, if there is one.
    pub fn row(&self, index: usize) -> Option<&[Ciphertext]> {
        self.ciphertexts.chunks_exact(self.width).nth(index)
    }

    /// The rows in order.
    pub fn rows(&self) -> impl Iterator<Item = &[Ciphertext]> {
        self.ciphertexts.chunks_exact(self.width)
    }

    /// The published form: one list of encoded ciphertexts per row.
    pub fn to_encoded(&self) -> Vec<Vec<EncodedCiphertext>> {
        self.encoded
            .chunks_exact(self.width)
            .map(<[EncodedCiphertext]>::to_vec)
            .collect()
    }

    /// All ciphertexts, row after row.
    pub(crate) fn flat(&self) -> &[Ciphertext] {
        &self.ciphertexts
    }

    /// All encodings, row after row.
    pub(crate) fn flat_encoded(&self) -> &[EncodedCiphertext] {
        &self.encoded
    }

    /// Column `column` of every row: (α, β) points.
    pub(crate) fn column(&self, column: usize) -> (Vec<Point>, Vec<Point>) {
        self.ciphertexts
            .iter()
            .skip(column)
            .step_by(self.width)
            .map(|c| (c.alpha, c.beta))
            .unzip()
    }
}

fn check_width(width: usize) -> Result<(), ShuffleError> {
    if width == 0 || width > MAX_WIDTH {
        return Err(ShuffleError::Parameters("a row has 1 to 256 ciphertexts"));
    }
    Ok(())
}

/// A shuffle proof as published. Every point and scalar is its 32-byte
/// encoding (base64url in JSON); members are declared in sorted order, so
/// serde writes canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShuffleProof {
    /// The commitment chain ĉ_1 … ĉ_N.
    #[serde(with = "crate::base64url::array_list")]
    pub chain: Vec<[u8; 32]>,
    /// The permutation commitments c_1 … c_N (one per input row).
    #[serde(with = "crate::base64url::array_list")]
    pub commitments: Vec<[u8; 32]>,
    /// Response s_1.
    #[serde(with = "crate::base64url::array")]
    pub s1: [u8; 32],
    /// Response s_2.
    #[serde(with = "crate::base64url::array")]
    pub s2: [u8; 32],
    /// Response s_3.
    #[serde(with = "crate::base64url::array")]
    pub s3: [u8; 32],
    /// Responses s_4,1 … s_4,width (one per column).
    #[serde(with = "crate::base64url::array_list")]
    pub s4: Vec<[u8; 32]>,
    /// Responses ŝ_1 … ŝ_N.
    #[serde(with = "crate::base64url::array_list")]
    pub s_hat: Vec<[u8; 32]>,
    /// Responses s'_1 … s'_N.
    #[serde(with = "crate::base64url::array_list")]
    pub s_prime: Vec<[u8; 32]>,
    /// Commitment t_1.
    #[serde(with = "crate::base64url::array")]
    pub t1: [u8; 32],
    /// Commitment t_2.
    #[serde(with = "crate::base64url::array")]
    pub t2: [u8; 32],
    /// Commitment t_3.
    #[serde(with = "crate::base64url::array")]
    pub t3: [u8; 32],
    /// Commitments t_4,1 … t_4,width, each a pair (α, β).
    pub t4: Vec<EncodedCiphertext>,
    /// Commitments t̂_1 … t̂_N.
    #[serde(with = "crate::base64url::array_list")]
    pub t_hat: Vec<[u8; 32]>,
}

/// The equation of a shuffle proof that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShuffleEquation {
    /// t_1: the commitments add up to a commitment to (1, …, 1).
    PermutationSum,
    /// t_2: the chain ends in the product of the batching challenges.
    ChainEnd,
    /// t_3: the commitments, weighted by the challenges, open to the
    /// permuted challenges.
    PermutationBatch,
    /// t_4: this column of the output is a re-encryption of the input
    /// permuted as committed (counted from 0).
    Reencryption {
        /// The column.
        column: usize,
    },
    /// t̂: this link of the commitment chain (row, from 0).
    ChainStep {
        /// The row.
        row: usize,
    },
}

impl std::fmt::Display for ShuffleEquation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShuffleEquation::PermutationSum => {
                f.write_str("t1: the permutation commitments do not add up (a proof made for other rows or another election fails here first)")
            }
            ShuffleEquation::ChainEnd => f.write_str(
                "t2: the commitment chain does not end in the product of the batching challenges",
            ),
            ShuffleEquation::PermutationBatch => f.write_str(
                "t3: the permutation commitments do not open to the permuted batching challenges",
            ),
            ShuffleEquation::Reencryption { column } => write!(
                f,
                "t4, column {column}: the output is not a re-encryption of the permuted input"
            ),
            ShuffleEquation::ChainStep { row } => {
                write!(f, "t_hat, row {row}: the commitment chain is broken")
            }
        }
    }
}

/// Why a shuffle could not be made or was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShuffleError {
    /// The parameters or a witness are impossible.
    #[error("invalid shuffle parameters: {0}")]
    Parameters(&'static str),
    /// A row has not `width` ciphertexts.
    #[error("{list} row {row} has {found} ciphertexts where the width is {expected}")]
    Width {
        /// Which list.
        list: List,
        /// The row, from 0.
        row: usize,
        /// The width.
        expected: usize,
        /// Ciphertexts in the row.
        found: usize,
    },
    /// A ciphertext is not two canonical points, or its α is the identity.
    #[error("{list} row {row}, column {column}: the ciphertext is not two canonical points")]
    Ciphertext {
        /// Which list.
        list: List,
        /// The row, from 0.
        row: usize,
        /// The column, from 0.
        column: usize,
    },
    /// The output has not as many rows as the input.
    #[error("the output has {found} rows, the input {expected}: a ballot was dropped or added")]
    RowCount {
        /// Input rows.
        expected: usize,
        /// Output rows.
        found: usize,
    },
    /// A list in the proof has the wrong length.
    #[error("the proof has {found} {what} where {expected} are needed")]
    ProofLength {
        /// Which member.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// A point of the proof is not canonical, or is the identity.
    #[error("proof member {what}, element {index}: not a canonical point other than the identity")]
    ProofPoint {
        /// Which member.
        what: &'static str,
        /// Position in the member (0 for a single point).
        index: usize,
    },
    /// A scalar of the proof is not canonical (≥ ℓ).
    #[error("proof member {what}, element {index}: not a scalar below the group order")]
    ProofScalar {
        /// Which member.
        what: &'static str,
        /// Position in the member (0 for a single scalar).
        index: usize,
    },
    /// A proof equation does not hold.
    #[error("the shuffle proof fails: {0}")]
    Equation(ShuffleEquation),
    /// The random source failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The independent generators of a shuffle of `rows` rows in the election
/// `fingerprint`: h (index 0), then h_1 … h_rows (indices 1 … rows), each
/// `RistrettoPoint::from_uniform_bytes` (RFC 9496 §4.3.4, hash-to-group) of
/// SHA-512(GENERATOR_TAG || fingerprint || index as 8 bytes big-endian).
/// Nobody knows the discrete logarithm of one in terms of the others.
pub fn generators(fingerprint: &[u8; 32], rows: usize) -> Vec<Point> {
    (0..=rows as u64)
        .into_par_iter()
        .map(|index| {
            let mut context = ring::digest::Context::new(&ring::digest::SHA512);
            context.update(GENERATOR_TAG);
            context.update(fingerprint);
            context.update(&index.to_be_bytes());
            let mut wide = [0u8; 64];
            wide.copy_from_slice(context.finish().as_ref());
            Point::from_uniform_bytes(&wide)
        })
        .collect()
}

/// The batching seed: SHA-512 of the transcript of the statement (domain
/// [`BATCHING_DOMAIN`]: election, public key, width, rows, every input
/// ciphertext, every output ciphertext, every permutation commitment).
pub(crate) fn batching_seed(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    output: &CiphertextRows,
    commitments: &[[u8; 32]],
) -> [u8; 64] {
    let mut t = Transcript::new(BATCHING_DOMAIN);
    t.append_bytes(b"election", &params.fingerprint)
        .append_bytes(b"public-key", &params.public_key.to_bytes())
        .append_u64(b"width", params.width as u64)
        .append_u64(b"rows", input.len() as u64);
    for c in input.flat_encoded() {
        t.append_bytes(b"in-alpha", &c.alpha)
            .append_bytes(b"in-beta", &c.beta);
    }
    for c in output.flat_encoded() {
        t.append_bytes(b"out-alpha", &c.alpha)
            .append_bytes(b"out-beta", &c.beta);
    }
    for c in commitments {
        t.append_bytes(b"commitment", c);
    }
    t.digest()
}

/// The batching challenges u_1 … u_rows: u_i is the first 16 bytes, read
/// little-endian, of SHA-512(BATCHING_TAG || seed || i as 8 bytes
/// big-endian), i from 0.
pub(crate) fn batching_challenges(seed: &[u8; 64], rows: usize) -> Vec<Scalar> {
    (0..rows as u64)
        .into_par_iter()
        .map(|index| {
            let mut context = ring::digest::Context::new(&ring::digest::SHA512);
            context.update(BATCHING_TAG);
            context.update(seed);
            context.update(&index.to_be_bytes());
            short_scalar(context.finish().as_ref())
        })
        .collect()
}

/// The first 16 bytes of `bytes` as a little-endian 128-bit scalar.
pub(crate) fn short_scalar(bytes: &[u8]) -> Scalar {
    let mut out = [0u8; 32];
    for (to, from) in out.iter_mut().zip(bytes.iter().take(16)) {
        *to = *from;
    }
    Scalar::from_bytes_mod_order(out)
}

/// The commitments of a proof that enter its challenge, as bytes.
pub(crate) struct Commitments<'a> {
    pub(crate) chain: &'a [[u8; 32]],
    pub(crate) t1: &'a [u8; 32],
    pub(crate) t2: &'a [u8; 32],
    pub(crate) t3: &'a [u8; 32],
    pub(crate) t4: &'a [EncodedCiphertext],
    pub(crate) t_hat: &'a [[u8; 32]],
}

/// The challenge c (domain [`CHALLENGE_DOMAIN`]): election, public key,
/// batching seed, the chain, t_1, t_2, t_3, t_4 per column, t̂ per row.
pub(crate) fn challenge(
    params: &ShuffleParameters,
    seed: &[u8; 64],
    c: &Commitments<'_>,
) -> Scalar {
    let mut t = Transcript::new(CHALLENGE_DOMAIN);
    t.append_bytes(b"election", &params.fingerprint)
        .append_bytes(b"public-key", &params.public_key.to_bytes())
        .append_bytes(b"batching", seed);
    for link in c.chain {
        t.append_bytes(b"chain", link);
    }
    t.append_bytes(b"t1", c.t1)
        .append_bytes(b"t2", c.t2)
        .append_bytes(b"t3", c.t3);
    for pair in c.t4 {
        t.append_bytes(b"t4-alpha", &pair.alpha)
            .append_bytes(b"t4-beta", &pair.beta);
    }
    for t_hat in c.t_hat {
        t.append_bytes(b"t-hat", t_hat);
    }
    t.challenge()
}

/// The values a verifier derives by hashing alone, published in the test
/// vectors so that an independent implementation can check its transcripts
/// before its equations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShuffleChallenges {
    /// The batching seed ρ (64 bytes).
    pub seed: [u8; 64],
    /// The batching challenges u_1 … u_N (each below 2^128).
    pub batching: Vec<Scalar>,
    /// The challenge c.
    pub challenge: Scalar,
}

/// Recomputes ρ, u and c for a published shuffle (hashing only; nothing is
/// verified).
pub fn challenges(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    output: &CiphertextRows,
    proof: &ShuffleProof,
) -> ShuffleChallenges {
    let seed = batching_seed(params, input, output, &proof.commitments);
    let batching = batching_challenges(&seed, input.len());
    let challenge = challenge(
        params,
        &seed,
        &Commitments {
            chain: &proof.chain,
            t1: &proof.t1,
            t2: &proof.t2,
            t3: &proof.t3,
            t4: &proof.t4,
            t_hat: &proof.t_hat,
        },
    );
    ShuffleChallenges {
        seed,
        batching,
        challenge,
    }
}

/// Σ scalars_i · points_i, variable time, split over all cores.
pub(crate) fn par_msm(scalars: &[Scalar], points: &[Point]) -> Point {
    use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};
    let piece = scalars
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1024);
    scalars
        .par_chunks(piece)
        .zip(points.par_chunks(piece))
        .map(|(s, p)| Point::vartime_multiscalar_mul(s, p))
        .reduce(Point::identity, |a, b| a + b)
}

#[cfg(test)]
mod tests;
