//! The condition of a status change, built from the domain's table of moves
//! ([`Move::starts`]): the record exists and is in one of the move's starting states, with
//! that state's guard. No store method writes its starting states by hand.

use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::{attr, n, s, status};
use crate::domain::{Guard, JobStatus, LeaseToken, Move};

/// `#status`, the placeholder every condition and update uses for the status attribute
/// (`status` is a DynamoDB reserved word).
pub(super) const STATUS: &str = "#status";

/// A move's condition expression and the values it names.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Condition {
    expression: String,
    values: Vec<(String, AttributeValue)>,
}

/// What a guard is checked against: the time of the write, and the mover's lease if it
/// holds one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context {
    pub now: OffsetDateTime,
    pub lease: Option<LeaseToken>,
}

fn from_placeholder(state: JobStatus) -> String {
    format!(":from_{}", state.as_str())
}

impl Condition {
    /// The condition that lets `step` start, in `context`.
    pub fn of(step: Move, context: Context) -> Self {
        let mut values = Vec::new();
        let mut add = |name: &str, value: AttributeValue| {
            if !values.iter().any(|(n, _): &(String, _)| n == name) {
                values.push((name.to_string(), value));
            }
        };
        // DynamoDB refuses redundant parentheses: a guard's conjunction is parenthesised
        // only as one of several alternatives, and the alternatives only when there are
        // several.
        let several = step.starts().len() > 1;
        let mut alternatives = Vec::new();
        for start in step.starts() {
            let placeholder = from_placeholder(start.status);
            add(&placeholder, status(start.status));
            let is_state = format!("{STATUS} = {placeholder}");
            let expires = attr::LEASE_EXPIRES_AT;
            let guard = match start.guard {
                Guard::None => None,
                Guard::LeaseExpired => {
                    add(":now_epoch", n(context.now.unix_timestamp()));
                    Some(format!("{expires} <= :now_epoch"))
                }
                Guard::NoLiveLease => {
                    add(":now_epoch", n(context.now.unix_timestamp()));
                    Some(format!(
                        "(attribute_not_exists({expires}) OR {expires} <= :now_epoch)"
                    ))
                }
                Guard::LeaseHeld => {
                    let token = context
                        .lease
                        .expect("a move guarded by the lease is made with the lease");
                    add(":lease_token", s(token.to_string()));
                    Some(format!("{} = :lease_token", attr::LEASE_TOKEN))
                }
            };
            alternatives.push(match guard {
                None => is_state,
                Some(guard) if several => format!("({is_state} AND {guard})"),
                Some(guard) => format!("{is_state} AND {guard}"),
            });
        }
        let states = if several {
            format!("({})", alternatives.join(" OR "))
        } else {
            alternatives.concat()
        };
        Self {
            expression: format!("attribute_exists(id) AND {states}"),
            values,
        }
    }

    /// The same condition, and `extra` (which names `values`) too.
    pub fn and(mut self, extra: &str, values: Vec<(&str, AttributeValue)>) -> Self {
        self.expression = format!("{} AND {extra}", self.expression);
        self.values.extend(
            values
                .into_iter()
                .map(|(name, value)| (name.to_string(), value)),
        );
        self
    }

    /// `request` with this condition, and `SET #status = :to` for the move's end state
    /// (the update expression names `:to`).
    pub fn apply(self, step: Move, request: UpdateItemFluentBuilder) -> UpdateItemFluentBuilder {
        let mut request = request
            .condition_expression(self.expression)
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_values(":to", status(step.to()));
        for (name, value) in self.values {
            request = request.expression_attribute_values(name, value);
        }
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_STATES: [JobStatus; 6] = JobStatus::ALL;

    fn context() -> Context {
        Context {
            now: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
            lease: Some(LeaseToken::new_random()),
        }
    }

    #[test]
    fn each_condition_names_exactly_its_moves_starting_states() {
        for step in Move::ALL {
            let condition = Condition::of(step, context());
            for state in ALL_STATES {
                let starts = step.starts().iter().any(|s| s.status == state);
                let placeholder = from_placeholder(state);
                assert_eq!(
                    condition
                        .expression
                        .contains(&format!("{STATUS} = {placeholder}")),
                    starts,
                    "{step} from {state}: {}",
                    condition.expression
                );
                let value = condition.values.iter().find(|(n, _)| *n == placeholder);
                assert_eq!(
                    value.map(|(_, v)| v),
                    starts.then(|| status(state)).as_ref()
                );
            }
        }
    }

    #[test]
    fn only_the_lease_holders_moves_name_the_token() {
        for step in Move::ALL {
            let condition = Condition::of(step, context());
            let held = step.starts().iter().any(|s| s.guard == Guard::LeaseHeld);
            assert_eq!(
                condition.expression.contains(":lease_token"),
                held,
                "{step}"
            );
        }
        let expression = Condition::of(Move::Complete, context()).expression;
        assert_eq!(
            expression,
            "attribute_exists(id) AND #status = :from_processing AND lease_token = :lease_token"
        );
    }

    #[test]
    fn no_condition_has_redundant_parentheses() {
        for step in Move::ALL {
            let expression = Condition::of(step, context()).expression;
            assert!(!expression.contains("(("), "{step}: {expression}");
        }
        assert_eq!(
            Condition::of(Move::Uploaded, context()).expression,
            "attribute_exists(id) AND #status = :from_awaiting_upload"
        );
    }

    #[test]
    fn a_processor_may_take_a_queued_job_or_one_whose_lease_expired() {
        let condition = Condition::of(Move::Start, context());
        assert_eq!(
            condition.expression,
            "attribute_exists(id) AND (#status = :from_queued OR \
             (#status = :from_processing AND lease_expires_at <= :now_epoch))"
        );
        assert!(condition
            .values
            .contains(&(":now_epoch".to_string(), n(1_800_000_000))));
    }
}
