//! Counting a survey's answers into what the result page shows: counts and
//! bars per option, averages and distributions for scales and numbers, the
//! free texts, and a scheduling poll's best date. Pure: responses in, view
//! data out.

use serde_json::{json, Value};

use super::questions::{format_number, Answer, Availability, Kind, Question};
use super::setup::slot_label;
use super::store::{Response, ResponseChannel};

/// Width in SVG units of the longest bar (of a 500-unit view box; the rest
/// holds the number after it).
const BAR_MAX: f64 = 400.0;
/// Height of one chart row: the label on its own line above the bar, so a
/// long label (a date with its time) never runs into the bar on a phone.
const ROW: usize = 46;

/// How many answers came through each channel.
pub fn channels(responses: &[Response]) -> Value {
    let mut counts: Vec<(ResponseChannel, i64)> = Vec::new();
    for r in responses {
        match counts.iter_mut().find(|(c, _)| *c == r.channel) {
            Some((_, n)) => *n += 1,
            None => counts.push((r.channel, 1)),
        }
    }
    channel_view(&counts)
}

/// Channel counts for templates, from (channel, count) pairs.
pub fn channel_view(counts: &[(ResponseChannel, i64)]) -> Value {
    let mut view = serde_json::Map::new();
    view.insert(
        "total".into(),
        json!(counts.iter().map(|(_, n)| n).sum::<i64>()),
    );
    for channel in ResponseChannel::ALL {
        let n = counts
            .iter()
            .filter(|(c, _)| c == channel)
            .map(|(_, n)| *n)
            .sum::<i64>();
        view.insert(channel.as_str().into(), json!(n));
    }
    Value::Object(view)
}

/// Bars for a chart and its table: label, count, share and bar geometry.
fn bars(rows: Vec<(String, usize)>, answered: usize) -> Vec<Value> {
    stacked_bars(rows.into_iter().map(|(l, n)| (l, n, 0)).collect(), answered)
}

/// Bars of two parts: `first` (the count and its share) and `then`, drawn
/// after it in a lighter tone (a scheduling poll's "if need be" after its
/// "yes"); the longest whole bar is [`BAR_MAX`] long.
fn stacked_bars(rows: Vec<(String, usize, usize)>, answered: usize) -> Vec<Value> {
    let top = rows.iter().map(|(_, n, m)| n + m).max().unwrap_or(0).max(1);
    #[allow(clippy::cast_precision_loss)]
    let scale = |n: usize| (n as f64) / (top as f64) * BAR_MAX;
    rows.into_iter()
        .enumerate()
        .map(|(i, (label, n, then))| {
            let share = crate::numbers::share(n as u64, answered as u64);
            json!({
                "label": label,
                "count": n,
                "then": then,
                "share": share,
                "width": format!("{:.1}", scale(n)),
                "then_width": format!("{:.1}", scale(then)),
                "end": format!("{:.1}", scale(n + then)),
                "y": i * ROW,
            })
        })
        .collect()
}

fn mean(values: &[f64]) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = values.get(n / 2).copied()?;
    if n % 2 == 1 {
        Some(mid)
    } else {
        Some((values.get(n / 2 - 1).copied()? + mid) / 2.0)
    }
}

/// The result of every question.
pub fn results(questions: &[Question], responses: &[Response]) -> Vec<Value> {
    questions
        .iter()
        .enumerate()
        .map(|(n, q)| question(q, responses.iter().filter_map(|r| r.answers.get(n))))
        .collect()
}

fn question<'a>(question: &Question, answers: impl Iterator<Item = &'a Answer>) -> Value {
    let answers: Vec<&Answer> = answers.collect();
    let options = question.kind.options();
    let mut view = json!({
        "text": question.text,
        "kind": question.kind.name(),
        "answered": answers.iter().filter(|a| !matches!(a, Answer::Skipped)).count(),
    });
    match &question.kind {
        Kind::Single { .. } | Kind::Multiple { .. } => {
            let mut counts = vec![0usize; options.len()];
            for answer in &answers {
                let marks: &[usize] = match answer {
                    Answer::Single(i) => std::slice::from_ref(i),
                    Answer::Multiple(marks) => marks,
                    _ => &[],
                };
                for i in marks {
                    if let Some(c) = counts.get_mut(*i) {
                        *c += 1;
                    }
                }
            }
            let rows = options.iter().cloned().zip(counts).collect();
            set(&mut view, "bars", json!(bars(rows, answers.len())));
        }
        Kind::YesNo => {
            let yes = answers
                .iter()
                .filter(|a| **a == &Answer::YesNo(true))
                .count();
            let no = answers
                .iter()
                .filter(|a| **a == &Answer::YesNo(false))
                .count();
            set(
                &mut view,
                "bars",
                json!(bars(
                    vec![("yes".into(), yes), ("no".into(), no)],
                    answers.len()
                )),
            );
            set(&mut view, "yes_no", json!(true));
        }
        Kind::Scale {
            low,
            high,
            low_label,
            high_label,
        } => {
            let values: Vec<i32> = answers
                .iter()
                .filter_map(|a| match a {
                    Answer::Scale(v) => Some(*v),
                    _ => None,
                })
                .collect();
            let rows = (*low..=*high)
                .map(|p| (p.to_string(), values.iter().filter(|v| **v == p).count()))
                .collect();
            let mut as_f64: Vec<f64> = values.iter().map(|v| f64::from(*v)).collect();
            set(&mut view, "bars", json!(bars(rows, values.len())));
            set(
                &mut view,
                "average",
                json!(mean(&as_f64).map(format_number)),
            );
            set(
                &mut view,
                "median",
                json!(median(&mut as_f64).map(format_number)),
            );
            set(
                &mut view,
                "low_label",
                json!(format!("{low} = {low_label}")),
            );
            set(
                &mut view,
                "high_label",
                json!(format!("{high} = {high_label}")),
            );
        }
        Kind::Number { .. } => {
            let mut values: Vec<f64> = answers
                .iter()
                .filter_map(|a| match a {
                    Answer::Number(v) => Some(*v),
                    _ => None,
                })
                .collect();
            set(
                &mut view,
                "average",
                json!(mean(&values).map(format_number)),
            );
            set(
                &mut view,
                "median",
                json!(median(&mut values).map(format_number)),
            );
            set(
                &mut view,
                "min",
                json!(values.first().copied().map(format_number)),
            );
            set(
                &mut view,
                "max",
                json!(values.last().copied().map(format_number)),
            );
        }
        Kind::Ranking { .. } => {
            // Points like a Borda count: first place n-1 points, unranked 0.
            let mut points = vec![0usize; options.len()];
            let mut firsts = vec![0usize; options.len()];
            for answer in &answers {
                if let Answer::Ranking(order) = answer {
                    for (place, i) in order.iter().enumerate() {
                        if let Some(p) = points.get_mut(*i) {
                            *p += options.len().saturating_sub(place + 1);
                        }
                    }
                    if let Some(f) = order.first().and_then(|i| firsts.get_mut(*i)) {
                        *f += 1;
                    }
                }
            }
            let mut rows: Vec<(String, usize, usize)> = options
                .iter()
                .cloned()
                .zip(points)
                .zip(firsts)
                .map(|((l, p), f)| (l, p, f))
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.1));
            set(
                &mut view,
                "firsts",
                rows.iter()
                    .map(|(l, _, f)| json!({"label": l, "count": f}))
                    .collect::<Vec<Value>>(),
            );
            set(
                &mut view,
                "bars",
                json!(bars(rows.into_iter().map(|(l, p, _)| (l, p)).collect(), 0)),
            );
            set(&mut view, "points", json!(true));
        }
        Kind::Text { .. } => {
            set(
                &mut view,
                "texts",
                answers
                    .iter()
                    .filter_map(|a| match a {
                        Answer::Text(t) => Some(json!(t)),
                        _ => None,
                    })
                    .collect::<Vec<Value>>(),
            );
        }
        Kind::Schedule { slots } => {
            let mut table: Vec<[usize; 3]> = vec![[0; 3]; slots.len()];
            for answer in &answers {
                if let Answer::Schedule(marks) = answer {
                    for (row, mark) in table.iter_mut().zip(marks) {
                        let cell = match mark {
                            Availability::Yes => row.get_mut(0),
                            Availability::Maybe => row.get_mut(1),
                            Availability::No => row.get_mut(2),
                        };
                        if let Some(c) = cell {
                            *c += 1;
                        }
                    }
                }
            }
            // Best: most "yes", then most "if need be".
            let best = table
                .iter()
                .enumerate()
                .max_by_key(|(i, [y, m, _])| (*y, *m, std::cmp::Reverse(*i)))
                .map(|(i, _)| i);
            set(
                &mut view,
                "slots",
                slots
                    .iter()
                    .zip(&table)
                    .enumerate()
                    .map(|(i, (slot, [y, m, no]))| {
                        json!({"index": i, "slot": slot, "label": slot_label(slot),
                           "yes": y, "maybe": m, "no": no,
                           "best": best == Some(i) && !answers.is_empty()})
                    })
                    .collect::<Vec<Value>>(),
            );
            // Each date's bar counts "yes", then "if need be" after it.
            set(
                &mut view,
                "bars",
                json!(stacked_bars(
                    slots
                        .iter()
                        .zip(&table)
                        .map(|(s, [y, m, _])| (slot_label(s), *y, *m))
                        .collect(),
                    answers.len()
                )),
            );
            set(&mut view, "stacked", json!(true));
        }
    }
    if let Some(bars) = view.get("bars").and_then(Value::as_array) {
        let height = bars.len() * ROW;
        set(&mut view, "chart_height", json!(height));
    }
    view
}

/// Adds `key` to a JSON object under construction.
fn set(view: &mut Value, key: &str, value: impl Into<Value>) {
    if let Some(map) = view.as_object_mut() {
        map.insert(key.to_owned(), value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(channel: ResponseChannel, answers: Vec<Answer>) -> Response {
        Response {
            id: String::new(),
            member_id: None,
            channel,
            answers,
        }
    }

    #[test]
    fn scales_get_average_median_and_distribution() {
        let q = Question {
            text: "Wie?".into(),
            kind: Kind::Scale {
                low: 1,
                high: 5,
                low_label: "schlecht".into(),
                high_label: "gut".into(),
            },
        };
        let responses = vec![
            response(ResponseChannel::Portal, vec![Answer::Scale(5)]),
            response(ResponseChannel::Paper, vec![Answer::Scale(2)]),
            response(ResponseChannel::Portal, vec![Answer::Scale(5)]),
        ];
        let view = &results(&[q], &responses)[0];
        assert_eq!(view["average"], "4");
        assert_eq!(view["median"], "5");
        assert_eq!(view["bars"][4]["count"], 2);
        assert_eq!(
            crate::numbers::percent(
                crate::db::models::Language::De,
                view["bars"][4]["share"].as_f64().unwrap()
            ),
            "66,7\u{a0}%"
        );
        assert_eq!(channels(&responses)["paper"], 1);
    }

    #[test]
    fn the_best_date_has_most_yes_then_most_maybe() {
        use Availability::{Maybe, No, Yes};
        let q = Question {
            text: "Wann?".into(),
            kind: Kind::Schedule {
                slots: vec!["2026-12-10".into(), "2026-12-11".into()],
            },
        };
        let responses = vec![
            response(
                ResponseChannel::Portal,
                vec![Answer::Schedule(vec![Yes, Yes])],
            ),
            response(
                ResponseChannel::Portal,
                vec![Answer::Schedule(vec![No, Maybe])],
            ),
        ];
        let view = &results(&[q], &responses)[0];
        assert_eq!(view["slots"][1]["best"], true);
        assert_eq!(view["slots"][0]["best"], false);
        assert_eq!(view["slots"][1]["maybe"], 1);
    }
}
