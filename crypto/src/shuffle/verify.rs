//! Checking a shuffle proof.
//!
//! With the challenges recomputed, the proof holds when these equations do
//! (written "left − right = 0"; ĉ_0 = h, ĉ_N the last link, U = Π u_j):
//!
//! ```text
//! E1:      s_1·G − c·(Σ c_j − Σ h_i) − t_1
//! E2:      s_2·G − c·(ĉ_N − U·h) − t_2
//! E3:      s_3·G + Σ s'_i·h_i − c·Σ u_j·c_j − t_3
//! E4α_k:  −s_4k·G + Σ s'_i·α'_ik − c·Σ u_j·α_jk − t_4k.α
//! E4β_k:  −s_4k·Y + Σ s'_i·β'_ik − c·Σ u_j·β_jk − t_4k.β
//! Ê_i:     ŝ_i·G + s'_i·ĉ_{i−1} − c·ĉ_i − t̂_i
//! ```
//!
//! They are checked together: each gets a secret random 128-bit weight and
//! the weighted sum, one multi-scalar multiplication over every point of
//! the statement and the proof, must be the identity (Bellare, Garay,
//! Rabin 1998; a false equation passes with probability at most 2^-128).
//! Rows are cut into chunks summed on all cores. Only when the sum fails
//! are the equations checked one by one, to name the first that fails.

use super::{
    challenges, generators, par_msm, short_scalar, CiphertextRows, ShuffleChallenges,
    ShuffleEquation, ShuffleError, ShuffleParameters, ShuffleProof,
};
use crate::group::{decode_public_point, decode_scalar, generator, Point, Scalar};
use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};
use rayon::prelude::*;

/// Rows per multi-scalar multiplication in the batched check.
const CHUNK_ROWS: usize = 2048;

/// A proof whose encodings were checked.
struct Decoded {
    commitments: Vec<Point>,
    chain: Vec<Point>,
    t_hat: Vec<Point>,
    s_hat: Vec<Scalar>,
    s_prime: Vec<Scalar>,
    t1: Point,
    t2: Point,
    t3: Point,
    t4: Vec<(Point, Point)>,
    s1: Scalar,
    s2: Scalar,
    s3: Scalar,
    s4: Vec<Scalar>,
}

fn points(what: &'static str, list: &[[u8; 32]]) -> Result<Vec<Point>, ShuffleError> {
    list.par_iter()
        .enumerate()
        .map(|(index, bytes)| {
            decode_public_point(bytes).map_err(|_| ShuffleError::ProofPoint { what, index })
        })
        .collect()
}

fn scalars(what: &'static str, list: &[[u8; 32]]) -> Result<Vec<Scalar>, ShuffleError> {
    list.iter()
        .enumerate()
        .map(|(index, bytes)| {
            decode_scalar(bytes).map_err(|_| ShuffleError::ProofScalar { what, index })
        })
        .collect()
}

fn point(what: &'static str, bytes: &[u8; 32]) -> Result<Point, ShuffleError> {
    decode_public_point(bytes).map_err(|_| ShuffleError::ProofPoint { what, index: 0 })
}

fn scalar(what: &'static str, bytes: &[u8; 32]) -> Result<Scalar, ShuffleError> {
    decode_scalar(bytes).map_err(|_| ShuffleError::ProofScalar { what, index: 0 })
}

fn decode(proof: &ShuffleProof, rows: usize, width: usize) -> Result<Decoded, ShuffleError> {
    for (what, expected, found) in [
        ("commitments", rows, proof.commitments.len()),
        ("chain", rows, proof.chain.len()),
        ("t_hat", rows, proof.t_hat.len()),
        ("s_hat", rows, proof.s_hat.len()),
        ("s_prime", rows, proof.s_prime.len()),
        ("t4", width, proof.t4.len()),
        ("s4", width, proof.s4.len()),
    ] {
        if expected != found {
            return Err(ShuffleError::ProofLength {
                what,
                expected,
                found,
            });
        }
    }
    let t4 = proof
        .t4
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            let bad = |_| ShuffleError::ProofPoint { what: "t4", index };
            Ok((
                decode_public_point(&pair.alpha).map_err(bad)?,
                decode_public_point(&pair.beta).map_err(bad)?,
            ))
        })
        .collect::<Result<Vec<_>, ShuffleError>>()?;
    Ok(Decoded {
        commitments: points("commitments", &proof.commitments)?,
        chain: points("chain", &proof.chain)?,
        t_hat: points("t_hat", &proof.t_hat)?,
        s_hat: scalars("s_hat", &proof.s_hat)?,
        s_prime: scalars("s_prime", &proof.s_prime)?,
        t1: point("t1", &proof.t1)?,
        t2: point("t2", &proof.t2)?,
        t3: point("t3", &proof.t3)?,
        t4,
        s1: scalar("s1", &proof.s1)?,
        s2: scalar("s2", &proof.s2)?,
        s3: scalar("s3", &proof.s3)?,
        s4: scalars("s4", &proof.s4)?,
    })
}

/// Everything the equations need besides the proof.
struct Statement<'a> {
    params: &'a ShuffleParameters,
    input: &'a CiphertextRows,
    output: &'a CiphertextRows,
    h: Point,
    hs: &'a [Point],
    u: Vec<Scalar>,
    u_product: Scalar,
    c: Scalar,
}

/// Verifies that `output` is a re-encryption of a permutation of `input`
/// under `params` (docs/election-record.md, S.6). The error names the
/// first rule that fails: a row count, an encoding, a proof member's length
/// or encoding, or the equation.
pub fn verify_shuffle(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    output: &CiphertextRows,
    proof: &ShuffleProof,
) -> Result<(), ShuffleError> {
    let n = input.len();
    let width = params.width();
    if input.width() != width || output.width() != width {
        return Err(ShuffleError::Parameters(
            "the rows do not have the parameters' width",
        ));
    }
    if output.len() != n {
        return Err(ShuffleError::RowCount {
            expected: n,
            found: output.len(),
        });
    }
    let decoded = decode(proof, n, width)?;
    let ShuffleChallenges {
        batching: u,
        challenge: c,
        ..
    } = challenges(params, input, output, proof);
    let gens = generators(params.fingerprint(), n);
    let statement = Statement {
        params,
        input,
        output,
        h: gens.first().copied().unwrap_or_default(),
        hs: gens.get(1..).unwrap_or_default(),
        u_product: u.iter().product(),
        u,
        c,
    };
    let mut weight_seed = [0u8; 32];
    crate::fill_random(&mut weight_seed)?;
    if batched_sum(&statement, &decoded, &weight_seed) == Point::identity() {
        return Ok(());
    }
    Err(ShuffleError::Equation(first_failure(&statement, &decoded)))
}

/// Secret 128-bit weight number `index`: SHA-512 of a tag, the verifier's
/// random seed and the index, cut to 16 bytes.
fn weight(seed: &[u8; 32], index: u64) -> Scalar {
    let mut context = ring::digest::Context::new(&ring::digest::SHA512);
    context.update(b"votum-v2-shuffle-weights\0");
    context.update(seed);
    context.update(&index.to_be_bytes());
    short_scalar(context.finish().as_ref())
}

/// Σ over all equations of weight · (left − right).
fn batched_sum(st: &Statement<'_>, p: &Decoded, seed: &[u8; 32]) -> Point {
    let n = st.input.len();
    let width = st.params.width();
    let c = st.c;
    // Weights: ŵ_i for row i, then w1, w2, w3, then wα_k, wβ_k per column.
    let global = |k: u64| weight(seed, n as u64 + k);
    let (w1, w2, w3) = (global(0), global(1), global(2));
    let w_alpha: Vec<Scalar> = (0..width as u64).map(|k| global(3 + 2 * k)).collect();
    let w_beta: Vec<Scalar> = (0..width as u64).map(|k| global(4 + 2 * k)).collect();
    let zero = Scalar::ZERO;

    let rows: Vec<usize> = (0..n).collect();
    let (row_sum, g_from_rows) = rows
        .par_chunks(CHUNK_ROWS)
        .map(|chunk| {
            let terms_per_row = 4 * width + 4;
            let mut sc = Vec::with_capacity(chunk.len() * terms_per_row);
            let mut pt = Vec::with_capacity(chunk.len() * terms_per_row);
            let mut g = Scalar::ZERO;
            for &i in chunk {
                let w_hat = weight(seed, i as u64);
                let u_i = st.u.get(i).copied().unwrap_or(zero);
                let s_prime = p.s_prime.get(i).copied().unwrap_or(zero);
                let inputs = st.input.row(i).unwrap_or_default();
                let outputs = st.output.row(i).unwrap_or_default();
                for (k, (cin, cout)) in inputs.iter().zip(outputs).enumerate() {
                    let (wa, wb) = (
                        w_alpha.get(k).copied().unwrap_or(zero),
                        w_beta.get(k).copied().unwrap_or(zero),
                    );
                    sc.push(-(c * wa * u_i));
                    pt.push(cin.alpha);
                    sc.push(-(c * wb * u_i));
                    pt.push(cin.beta);
                    sc.push(wa * s_prime);
                    pt.push(cout.alpha);
                    sc.push(wb * s_prime);
                    pt.push(cout.beta);
                }
                // h_i: E1 (+c) and E3 (s'_i).
                sc.push(w1 * c + w3 * s_prime);
                pt.push(st.hs.get(i).copied().unwrap_or_default());
                // c_i (input row i): E1 (−c) and E3 (−c·u_i).
                sc.push(-(w1 * c) - w3 * c * u_i);
                pt.push(p.commitments.get(i).copied().unwrap_or_default());
                // ĉ_i: −c in Ê_i, s'_{i+1} in Ê_{i+1}, −c in E2 for the last.
                let mut link = -(w_hat * c);
                if i + 1 < n {
                    let next_w = weight(seed, i as u64 + 1);
                    link += next_w * p.s_prime.get(i + 1).copied().unwrap_or(zero);
                } else {
                    link -= w2 * c;
                }
                sc.push(link);
                pt.push(p.chain.get(i).copied().unwrap_or_default());
                sc.push(-w_hat);
                pt.push(p.t_hat.get(i).copied().unwrap_or_default());
                g += w_hat * p.s_hat.get(i).copied().unwrap_or(zero);
            }
            (Point::vartime_multiscalar_mul(&sc, &pt), g)
        })
        .reduce(
            || (Point::identity(), Scalar::ZERO),
            |a, b| (a.0 + b.0, a.1 + b.1),
        );

    // Terms outside the rows: G, Y, h and the t's.
    let mut g = g_from_rows + w1 * p.s1 + w2 * p.s2 + w3 * p.s3;
    let mut y = Scalar::ZERO;
    for (k, s4) in p.s4.iter().enumerate() {
        g -= w_alpha.get(k).copied().unwrap_or(zero) * s4;
        y -= w_beta.get(k).copied().unwrap_or(zero) * s4;
    }
    // h: +c·U in E2; s'_1 in Ê_1 (ĉ_0 = h); with no rows, ĉ_N is h.
    let mut h = w2 * c * st.u_product;
    match p.s_prime.first() {
        Some(s) => h += weight(seed, 0) * s,
        None => h -= w2 * c,
    }
    let mut sc = vec![g, y, h, -w1, -w2, -w3];
    let mut pt = vec![
        generator(),
        *st.params.public_key().point(),
        st.h,
        p.t1,
        p.t2,
        p.t3,
    ];
    for (k, (a, b)) in p.t4.iter().enumerate() {
        sc.push(-w_alpha.get(k).copied().unwrap_or(zero));
        pt.push(*a);
        sc.push(-w_beta.get(k).copied().unwrap_or(zero));
        pt.push(*b);
    }
    row_sum + Point::vartime_multiscalar_mul(&sc, &pt)
}

/// Checks the equations one by one and names the first that fails (called
/// only when the batched sum did not vanish).
fn first_failure(st: &Statement<'_>, p: &Decoded) -> ShuffleEquation {
    let g = generator();
    let c = st.c;
    let ones = vec![Scalar::ONE; p.commitments.len()];
    let commitment_sum = par_msm(&ones, &p.commitments) - par_msm(&ones, st.hs);
    if g * p.s1 - commitment_sum * c != p.t1 {
        return ShuffleEquation::PermutationSum;
    }
    let last = p.chain.last().copied().unwrap_or(st.h);
    if g * p.s2 - (last - st.h * st.u_product) * c != p.t2 {
        return ShuffleEquation::ChainEnd;
    }
    let e3 = g * p.s3 + par_msm(&p.s_prime, st.hs) - par_msm(&st.u, &p.commitments) * c;
    if e3 != p.t3 {
        return ShuffleEquation::PermutationBatch;
    }
    let key = *st.params.public_key().point();
    for (column, (t4, s4)) in p.t4.iter().zip(&p.s4).enumerate() {
        let (a_in, b_in) = st.input.column(column);
        let (a_out, b_out) = st.output.column(column);
        let alpha = par_msm(&p.s_prime, &a_out) - par_msm(&st.u, &a_in) * c - g * s4;
        let beta = par_msm(&p.s_prime, &b_out) - par_msm(&st.u, &b_in) * c - key * s4;
        if alpha != t4.0 || beta != t4.1 {
            return ShuffleEquation::Reencryption { column };
        }
    }
    let failing = (0..p.chain.len()).into_par_iter().find_first(|&i| {
        let previous = match i.checked_sub(1) {
            Some(j) => p.chain.get(j).copied().unwrap_or_default(),
            None => st.h,
        };
        let s_hat = p.s_hat.get(i).copied().unwrap_or_default();
        let s_prime = p.s_prime.get(i).copied().unwrap_or_default();
        let link = p.chain.get(i).copied().unwrap_or_default();
        let lhs = Point::vartime_multiscalar_mul([s_hat, s_prime, -c], [g, previous, link]);
        Some(&lhs) != p.t_hat.get(i)
    });
    // The batched sum failed, so some equation does; if none is found by
    // the exact checks (a weight collision, probability 2^-128), name the
    // chain as a whole.
    ShuffleEquation::ChainStep {
        row: failing.unwrap_or(0),
    }
}
