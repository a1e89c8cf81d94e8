//! The result page's figures in words and pictures: per question the
//! outcome, bars (SVG, no JavaScript) with a table of the same numbers,
//! the quorum with what was needed and by how much it was missed, ties in
//! sentences that say what was at stake and how the lot decided, and for
//! STV every stage (quota, transfers, exclusions) as a table and a chart.

use serde_json::{json, Value};
use votum_ballots::question::{OptionId, QuestionKind, Ratio};
use votum_ballots::stv::{CandidateState, StvAction, StvResult, VoteValue};
use votum_ballots::tie::{TiePurpose, TieResolution};
use votum_ballots::{Outcome, Question, QuestionResult};

use crate::db::models::Language;
use crate::numbers::share;

/// Width of the longest bar in the charts' 460-unit view box; the rest
/// holds the number after it.
const BAR_MAX: u64 = 360;
/// Height of one chart row: the label on its own line above the bar, so a
/// long label never runs into the bar on a phone.
const ROW: usize = 46;

/// Result figures of every question, for `ballots/result`.
pub fn questions(lang: Language, questions: &[Question], results: &[QuestionResult]) -> Vec<Value> {
    questions
        .iter()
        .zip(results)
        .map(|(question, result)| question_view(lang, question, result))
        .collect()
}

fn question_view(lang: Language, question: &Question, result: &QuestionResult) -> Value {
    let label = |id: OptionId| {
        question
            .options()
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.label.clone())
    };
    let mut quorum = Value::Null;
    let (rows, summary): (Vec<(String, u64)>, Value) = match &result.outcome {
        Outcome::YesNo(r) => {
            quorum = quorum_view(
                r.quorum,
                r.yes + r.no + r.abstain,
                result.electorate,
                r.quorum_reached,
            );
            (
                vec![
                    ("yes".into(), r.yes),
                    ("no".into(), r.no),
                    ("abstain".into(), r.abstain),
                ],
                json!({"key": if r.accepted { "result.accepted" } else { "result.rejected" }}),
            )
        }
        Outcome::Single(r) => (
            r.counts
                .iter()
                .map(|c| (label(c.option), c.votes))
                .collect(),
            json!({"key": "result.winners", "names": r.winner.map(label).into_iter().collect::<Vec<_>>()}),
        ),
        Outcome::Approval(r) => (
            r.counts
                .iter()
                .map(|c| (label(c.option), c.votes))
                .collect(),
            json!({"key": "result.winners", "names": r.winner.map(label).into_iter().collect::<Vec<_>>()}),
        ),
        Outcome::Schulze(_) | Outcome::Stv(_) => (
            Vec::new(),
            json!({"key": "result.winners", "names": result.winners().into_iter().map(label).collect::<Vec<_>>()}),
        ),
    };
    let yes_no = matches!(question.kind, QuestionKind::YesNoAbstain { .. });
    let total: u64 = rows.iter().map(|(_, v)| v).sum();
    let top = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let bars: Vec<Value> = rows
        .into_iter()
        .enumerate()
        .map(|(n, (name, votes))| {
            json!({
                "label": if yes_no { Value::Null } else { json!(name) },
                "label_key": if yes_no { json!(format!("vote.{name}")) } else { Value::Null },
                "votes": votes,
                "share": share(votes, total),
                "width": votes * BAR_MAX / top,
                "y": n * ROW,
            })
        })
        .collect();
    let ties: Vec<Value> = result
        .ties()
        .iter()
        .map(|tie| {
            let names = |ids: &[OptionId]| {
                ids.iter()
                    .map(|&id| label(id))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (key, position, stage) = match tie.purpose {
                TiePurpose::Winner => ("result.tie_winner", 0, 0),
                TiePurpose::RunoffPlaces => ("result.tie_runoff", 0, 0),
                TiePurpose::RankingOrder { position } => ("result.tie_ranking", position, 0),
                TiePurpose::StvSurplusOrder { stage } => ("result.tie_surplus", 0, stage),
                TiePurpose::StvExclusion { stage } => ("result.tie_exclusion", 0, stage),
            };
            let (how_key, earlier) = match tie.resolution {
                TieResolution::Lot => ("result.tie_by_lot", 0),
                TieResolution::PrecedingStage { stage } => ("result.tie_by_stage", stage),
            };
            json!({
                "key": key,
                "tied": names(&tie.tied),
                "decided": names(&tie.decided),
                "position": position,
                "stage": stage,
                "how_key": how_key,
                "earlier": earlier,
            })
        })
        .collect();
    let stv = match &result.outcome {
        Outcome::Stv(stv) => stv_view(lang, stv, &label),
        _ => Value::Null,
    };
    json!({
        "text": question.text,
        "ties": ties,
        "bars": bars,
        "chart_height": bars.len() * ROW,
        "summary": summary,
        "quorum": quorum,
        "stv": stv,
        "cast": result.ballots.cast,
        "valid": result.ballots.valid,
        "invalid": result.ballots.invalid,
        "electorate": result.electorate,
    })
}

/// What the quorum asked for and what came: `needed` participants (the
/// share rounded up to whole members), `took_part`, and `missing` when
/// missed. No quorum (zero) says nothing.
fn quorum_view(quorum: Ratio, took_part: u64, electorate: u64, reached: bool) -> Value {
    if quorum.numerator() == 0 {
        return Value::Null;
    }
    let wanted = u128::from(quorum.numerator()) * u128::from(electorate);
    let denominator = u128::from(quorum.denominator());
    let needed = u64::try_from(wanted.div_ceil(denominator)).unwrap_or(u64::MAX);
    json!({
        "key": if reached { "result.quorum_reached_by" } else { "result.quorum_missed_by" },
        "needed": needed,
        "took_part": took_part,
        "electorate": electorate,
        "missing": needed.saturating_sub(took_part),
        "share": share(quorum.numerator(), quorum.denominator()),
    })
}

/// A vote value as people write it: whole votes without decimals,
/// fractions (after surplus transfers) with the five decimals counted.
fn votes(lang: Language, value: VoteValue) -> String {
    let whole = value.0 / VoteValue::SCALE;
    let fraction = value.0 % VoteValue::SCALE;
    if fraction == 0 {
        return whole.to_string();
    }
    let mark = match lang {
        Language::De => ',',
        Language::En => '.',
    };
    let digits = format!("{fraction:05}");
    format!("{whole}{mark}{}", digits.trim_end_matches('0'))
}

/// The STV count stage by stage: one row per stage (what happened, each
/// candidate's total and change, their state), and a chart of the final
/// totals against the quota.
fn stv_view(lang: Language, stv: &StvResult, label: &dyn Fn(OptionId) -> String) -> Value {
    let candidates: Vec<String> = stv
        .first_preferences
        .iter()
        .map(|c| label(c.option))
        .collect();
    let stages: Vec<Value> = stv
        .stages
        .iter()
        .map(|stage| {
            let (key, name, surplus) = match stage.action {
                StvAction::FirstPreferences => ("result.stv_first", String::new(), String::new()),
                StvAction::SurplusTransfer { from, surplus } => {
                    ("result.stv_surplus", label(from), votes(lang, surplus))
                }
                StvAction::Exclusion { excluded } => ("result.stv_exclusion", label(excluded), String::new()),
                StvAction::LastVacancies => ("result.stv_last", String::new(), String::new()),
            };
            let cells: Vec<Value> = stage
                .candidates
                .iter()
                .map(|line| {
                    json!({
                        "votes": votes(lang, line.votes),
                        "received": (line.received.0 > 0 && stage.number > 1).then(|| votes(lang, line.received)),
                        "elected": line.state == CandidateState::Elected,
                        "excluded": line.state == CandidateState::Excluded,
                    })
                })
                .collect();
            json!({
                "number": stage.number,
                "key": key,
                "name": name,
                "surplus": surplus,
                "cells": cells,
                "non_transferable": votes(lang, stage.non_transferable),
            })
        })
        .collect();
    // The chart: each candidate's total after the last stage, and the quota
    // as a line, on a scale that holds both.
    let last = stv.stages.last();
    let finals: Vec<(String, u64, CandidateState)> = last
        .map(|stage| {
            stage
                .candidates
                .iter()
                .map(|line| (label(line.option), line.votes.0, line.state))
                .collect()
        })
        .unwrap_or_default();
    let quota = VoteValue::whole(stv.quota).0;
    let top = finals
        .iter()
        .map(|(_, v, _)| *v)
        .max()
        .unwrap_or(0)
        .max(quota)
        .max(1);
    let bars: Vec<Value> = finals
        .into_iter()
        .enumerate()
        .map(|(n, (name, value, state))| {
            json!({
                "label": name,
                "votes": votes(lang, VoteValue(value)),
                "width": value * BAR_MAX / top,
                "elected": state == CandidateState::Elected,
                "y": n * ROW,
            })
        })
        .collect();
    json!({
        "seats": stv.seats,
        "quota": stv.quota,
        "valid": stv.valid_ballots,
        "rule": stv.rule.citation(),
        "candidates": candidates,
        "stages": stages,
        "bars": bars,
        "quota_x": quota * BAR_MAX / top,
        "chart_height": bars.len() * ROW + 20,
        "quota_label_y": bars.len() * ROW + 14,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missed_quorum_says_what_was_needed_and_what_was_missing() {
        let quorum = Ratio::new(1, 4).unwrap();
        let view = quorum_view(quorum, 20, 101, false);
        // A quarter of 101 members is 25.25: 26 had to take part.
        assert_eq!(view["needed"], 26);
        assert_eq!(view["missing"], 6);
        assert_eq!(view["key"], "result.quorum_missed_by");
        assert_eq!(quorum_view(Ratio::ZERO, 0, 10, true), Value::Null);
    }

    #[test]
    fn vote_values_read_as_people_write_them() {
        assert_eq!(votes(Language::De, VoteValue::whole(12)), "12");
        assert_eq!(votes(Language::De, VoteValue(1_250_000)), "12,5");
        assert_eq!(votes(Language::En, VoteValue(1_233_333)), "12.33333");
    }
}
