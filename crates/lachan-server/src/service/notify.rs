//! Notification subscriptions. Administrators manage agency-wide and webhook
//! subscriptions and read the delivery log; every user may subscribe their own e-mail
//! address to what they may see.

use lachan_core::auth::Action;
use lachan_core::ops::Severity;
use lachan_store::{Delivery, NewSubscription, Subscription};
use serde::Deserialize;

use crate::auth::Principal;
use crate::notify::{EVENT_KINDS, send_checks};
use crate::{AppError, AppState};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    /// `email` or `webhook`.
    pub channel: String,
    pub target: String,
    /// Webhooks: `json` (default) or `chat`.
    #[serde(default)]
    pub template: Option<String>,
    /// Only events of this agency and the agencies below it.
    #[serde(default)]
    pub agency_code: Option<String>,
    /// Events the caller may see, as the caller (always so for non-administrators).
    #[serde(default)]
    pub personal: bool,
    /// `alert`, `incident`, `finding_overdue`; empty for all.
    #[serde(default)]
    pub events: Vec<String>,
    /// Lowest severity notified (default `high`).
    #[serde(default)]
    pub min_severity: Option<String>,
}

fn any_reader(p: &Principal) -> Result<(), AppError> {
    if p.role().can(Action::ReadOperations) || p.role().can(Action::ReadEvents) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

pub async fn create(
    st: &AppState,
    p: &Principal,
    s: SubscriptionInput,
) -> Result<Subscription, AppError> {
    any_reader(p)?;
    let admin = p.role().can(Action::ManageNotifications);
    let target = s.target.trim().to_string();
    match s.channel.as_str() {
        "email" => send_checks::email(&target).map_err(|m| AppError::invalid("target", m))?,
        "webhook" => {
            if !admin {
                return Err(AppError::Forbidden(
                    "webhooks are set up by an administrator".into(),
                ));
            }
            send_checks::webhook(&target).map_err(|m| AppError::invalid("target", m))?
        }
        other => {
            return Err(AppError::invalid(
                "channel",
                format!("'{other}' is not email or webhook"),
            ));
        }
    }
    let template = s.template.unwrap_or_else(|| "json".into());
    if !["json", "chat"].contains(&template.as_str()) {
        return Err(AppError::invalid("template", "must be json or chat"));
    }
    for e in &s.events {
        if !EVENT_KINDS.contains(&e.as_str()) {
            return Err(AppError::invalid(
                "events",
                format!("'{e}' is not one of {}", EVENT_KINDS.join(", ")),
            ));
        }
    }
    let min_severity = match s.min_severity.as_deref() {
        None | Some("") => Severity::High,
        Some(v) => Severity::parse(v)
            .ok_or_else(|| AppError::invalid("min_severity", format!("unknown severity '{v}'")))?,
    };
    let agency_id = match s
        .agency_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(code) => {
            let a = st.store.agency(code).await?.ok_or_else(|| {
                AppError::invalid("agency_code", format!("unknown agency '{code}'"))
            })?;
            if !p.scope.allows(a.id) {
                return Err(AppError::Forbidden(format!(
                    "agency '{code}' is outside the agencies you may see"
                )));
            }
            Some(a.id)
        }
    };
    let personal = s.personal || !admin;
    let n = NewSubscription {
        channel: s.channel,
        target,
        template,
        agency_id,
        user_id: personal.then_some(p.user.id),
        events: s.events,
        min_severity: min_severity.code().to_string(),
    };
    Ok(st.store.create_subscription(&p.ctx(), &n).await?)
}

/// Administrators see every subscription, others their own.
pub async fn list(st: &AppState, p: &Principal) -> Result<Vec<Subscription>, AppError> {
    any_reader(p)?;
    let admin = p.role().can(Action::ManageNotifications);
    Ok(st
        .store
        .list_subscriptions()
        .await?
        .into_iter()
        .filter(|s| s.enabled && (admin || s.user_id == Some(p.user.id)))
        .collect())
}

pub async fn delete(st: &AppState, p: &Principal, id: i64) -> Result<(), AppError> {
    any_reader(p)?;
    let admin = p.role().can(Action::ManageNotifications);
    let what = format!("subscription {id}");
    let s = st
        .store
        .subscription(id)
        .await?
        .filter(|s| s.enabled && (admin || s.user_id == Some(p.user.id)))
        .ok_or(AppError::NotFound(what))?;
    Ok(st.store.delete_subscription(&p.ctx(), s.id).await?)
}

pub async fn deliveries(st: &AppState, p: &Principal) -> Result<Vec<Delivery>, AppError> {
    p.require(Action::ManageNotifications)?;
    Ok(st.store.list_deliveries(200).await?)
}
