//! Scottish STV counts worked by hand. Values are in 1/100,000 votes, so
//! `VoteValue(363_63)` is 0.36363.

use crate::common::{id, ids, lot, ranked, stv, stv_question};
use votum_ballots::{CandidateState, StvAction, StvRule, TiePurpose, TieResolution, VoteValue};

fn votes_at(r: &votum_ballots::StvResult, stage: usize) -> Vec<u64> {
    r.stages[stage - 1]
        .candidates
        .iter()
        .map(|c| c.votes.0)
        .collect()
}

/// Three seats, candidates A–E, 27 valid ballots.
///
/// ```text
/// 11 A B C    4 B    3 C D    5 D C    2 E D    2 E B
/// Quota = floor(27 / 4) + 1 = 7.
/// Stage 1  A 11, B 4, C 3, D 5, E 4.               A elected, surplus 4.
/// Stage 2  A's surplus: transfer value 4 × 1 / 11 = 0.363636… → 0.36363.
///          11 papers go to B: 11 × 0.36363 = 3.99993 (loss 0.00007).
///          B = 7.99993 ≥ 7: B elected, surplus 0.99993. A keeps 7.
/// Stage 3  B's surplus 0.99993 over B's total 7.99993:
///          4 papers "B" (value 1): 0.99993 × 1 / 7.99993 = 0.1249923… → 0.12499,
///            no further preference: non-transferable 4 × 0.12499 = 0.49996.
///          11 papers "A B C" (value 0.36363): 0.99993 × 0.36363 / 7.99993
///            = 0.0454510… → 0.04545, to C: 11 × 0.04545 = 0.49995.
///          Moved 0.49996 + 0.49995 = 0.99991, loss 0.00002.
///          C = 3.49995, D 5, E 4. B keeps 7.
/// Stage 4  No surplus; exclude C (3.49995). "C D" papers: 3 × 1 to D → 8;
///          "A B C" papers: nothing after C, non-transferable 0.49995.
///          D = 8 ≥ 7: D elected. Three seats filled: A, B, D.
/// Check    7 + 7 + 0 + 8 + 4 + (0.49996 + 0.49995) + (0.00007 + 0.00002) = 27.
/// ```
#[test]
fn three_seats_with_weighted_surplus_of_a_surplus() {
    let question = stv_question(5, 3);
    let choices = ranked(&[
        (11, "ABC"),
        (4, "B"),
        (3, "CD"),
        (5, "DC"),
        (2, "ED"),
        (2, "EB"),
    ]);
    let r = stv(&question, &choices, &lot("ABCDE"));
    assert_eq!(r.rule, StvRule::ScottishLocalGovernment2007);
    assert!(r.rule.citation().contains("SSI 2007/42"));
    assert_eq!(r.quota, 7);
    assert_eq!(r.valid_ballots, 27);
    assert_eq!(
        votes_at(&r, 1),
        vec![1_100_000, 400_000, 300_000, 500_000, 400_000]
    );
    assert_eq!(r.stages[0].elected, ids("A"));

    assert_eq!(
        r.stages[1].action,
        StvAction::SurplusTransfer {
            from: id('A'),
            surplus: VoteValue::whole(4)
        }
    );
    assert_eq!(
        votes_at(&r, 2),
        vec![700_000, 799_993, 300_000, 500_000, 400_000]
    );
    assert_eq!(r.stages[1].rounding_loss, VoteValue(7));
    assert_eq!(r.stages[1].elected, ids("B"));

    assert_eq!(
        r.stages[2].action,
        StvAction::SurplusTransfer {
            from: id('B'),
            surplus: VoteValue(99_993)
        }
    );
    assert_eq!(
        votes_at(&r, 3),
        vec![700_000, 700_000, 349_995, 500_000, 400_000]
    );
    assert_eq!(r.stages[2].non_transferable, VoteValue(49_996));
    assert_eq!(r.stages[2].rounding_loss, VoteValue(2));
    assert_eq!(r.stages[2].candidates[2].received, VoteValue(49_995));

    assert_eq!(
        r.stages[3].action,
        StvAction::Exclusion { excluded: id('C') }
    );
    assert_eq!(votes_at(&r, 4), vec![700_000, 700_000, 0, 800_000, 400_000]);
    assert_eq!(r.stages[3].non_transferable, VoteValue(49_995));
    assert_eq!(r.stages[3].elected, ids("D"));

    assert_eq!(r.stages.len(), 4);
    assert_eq!(r.elected, ids("ABD"));
    assert_eq!(r.non_transferable, VoteValue(99_991));
    assert_eq!(r.rounding_loss, VoteValue(9));
    assert_eq!(r.stages[3].candidates[4].state, CandidateState::Continuing);
    assert!(r.ties.is_empty());
    assert_eq!(format!("{}", VoteValue(799_993)), "7.99993");
}

/// Two seats, A–E, 15 valid ballots; an exclusion tie settled by an earlier
/// stage (rule 51(2)(a)) and the last seat filled by rule 52.
///
/// ```text
/// 7 A D    2 B    3 C    2 D    1 E B
/// Quota = floor(15 / 3) + 1 = 6.
/// Stage 1  A 7, B 2, C 3, D 2, E 1.                 A elected, surplus 1.
/// Stage 2  A's surplus: 1 / 7 = 0.142857… → 0.14285; 7 papers to D:
///          D = 2 + 0.99995 = 2.99995 (loss 0.00005).
/// Stage 3  Exclude E (1): "E B" to B, B = 3.
/// Stage 4  Exclude D (2.99995): nothing after D on any paper,
///          non-transferable 2 + 0.99995. Now B 3, C 3.
/// Stage 5  B and C tie at 3 for exclusion. Most recent preceding stage
///          where they differ: stage 3 has 3/3, stage 2 has B 2, C 3,
///          so B is excluded. B's papers are non-transferable.
/// Stage 6  One continuing candidate for one vacancy: C elected (rule 52).
/// ```
#[test]
fn exclusion_tie_settled_by_preceding_stage_and_rule_52() {
    let question = stv_question(5, 2);
    let choices = ranked(&[(7, "AD"), (2, "B"), (3, "C"), (2, "D"), (1, "EB")]);
    // A lot that would exclude C, to show it is not consulted.
    let r = stv(&question, &choices, &lot("BAEDC"));
    assert_eq!(r.quota, 6);
    assert_eq!(
        votes_at(&r, 2),
        vec![600_000, 200_000, 300_000, 299_995, 100_000]
    );
    assert_eq!(
        r.stages[2].action,
        StvAction::Exclusion { excluded: id('E') }
    );
    assert_eq!(
        r.stages[3].action,
        StvAction::Exclusion { excluded: id('D') }
    );
    assert_eq!(
        r.stages[4].action,
        StvAction::Exclusion { excluded: id('B') }
    );
    assert_eq!(r.ties.len(), 1);
    assert_eq!(r.ties[0].purpose, TiePurpose::StvExclusion { stage: 5 });
    assert_eq!(r.ties[0].tied, ids("BC"));
    assert_eq!(
        r.ties[0].resolution,
        TieResolution::PrecedingStage { stage: 2 }
    );
    assert_eq!(r.ties[0].decided, ids("B"));
    assert_eq!(r.stages[5].action, StvAction::LastVacancies);
    assert_eq!(r.stages[5].elected, ids("C"));
    assert_eq!(r.elected, ids("AC"));
}

/// Equal surpluses with equal history go by lot (rule 49(3)).
///
/// ```text
/// 6 A C    6 B C        3 seats, candidates A–D, quota floor(12/4)+1 = 4.
/// Stage 1  A 6, B 6: both elected with surplus 2, equal at every stage.
/// Stage 2  Lot B A C D puts B's surplus first: 2/6 → 0.33333, C = 1.99998.
/// Stage 3  A's surplus: C = 3.99996, still below 4.
/// Stage 4  Exclude D (0). C is the only continuing candidate: elected
///          by rule 52 at stage 5.
/// ```
#[test]
fn equal_surpluses_go_by_lot() {
    let question = stv_question(4, 3);
    let choices = ranked(&[(6, "AC"), (6, "BC")]);
    let r = stv(&question, &choices, &lot("BACD"));
    assert_eq!(r.quota, 4);
    assert_eq!(r.stages[0].elected, ids("AB"));
    assert_eq!(
        r.stages[1].action,
        StvAction::SurplusTransfer {
            from: id('B'),
            surplus: VoteValue::whole(2)
        }
    );
    assert_eq!(r.ties[0].purpose, TiePurpose::StvSurplusOrder { stage: 2 });
    assert_eq!(r.ties[0].resolution, TieResolution::Lot);
    assert_eq!(r.ties[0].tied, ids("AB"));
    assert_eq!(r.ties[0].decided, ids("B"));
    assert_eq!(votes_at(&r, 3)[2], 399_996);
    assert_eq!(
        r.stages[3].action,
        StvAction::Exclusion { excluded: id('D') }
    );
    assert_eq!(r.stages[4].action, StvAction::LastVacancies);
    assert_eq!(r.elected, ids("ABC"));
}

/// More seats than candidates: everyone is elected, nothing transferred.
#[test]
fn fewer_candidates_than_seats() {
    let question = stv_question(2, 5);
    let r = stv(&question, &ranked(&[(3, "A"), (1, "BA")]), &lot("AB"));
    assert_eq!(r.elected, ids("AB"));
    assert_eq!(r.stages.len(), 2);
}

/// No valid ballot at all: the seats are still filled, by lot, and each
/// lot is recorded.
#[test]
fn empty_count_fills_seats_by_lot() {
    let question = stv_question(3, 1);
    let r = stv(&question, &[], &lot("CAB"));
    assert_eq!(r.quota, 1);
    // B is last in the lot, so excluded first; then A.
    assert_eq!(r.elected, ids("C"));
    assert_eq!(r.ties.len(), 2);
    assert!(r.ties.iter().all(|t| t.resolution == TieResolution::Lot));
}
