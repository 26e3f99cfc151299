//! Notification subscriptions and deliveries.

use serde::Serialize;

/// Who is told what, and how.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Subscription {
    pub id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    /// An e-mail address or an `https://` (or loopback `http://`) URL.
    pub target: String,
    /// Webhook body: `json` (the event) or `chat` (a `{"text": …}` message).
    pub template: String,
    /// Only events of this agency (and below, for officers' subscriptions).
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    /// A personal subscription: the events this user may see.
    pub user_id: Option<i64>,
    pub username: Option<String>,
    /// Event kinds (`alert`, `incident`, `finding_overdue`); empty means all.
    pub events: Vec<String>,
    pub min_severity: String,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub channel: String,
    pub target: String,
    pub template: String,
    pub agency_id: Option<i64>,
    pub user_id: Option<i64>,
    pub events: Vec<String>,
    pub min_severity: String,
}

/// One message to one subscriber, with its delivery attempts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub channel: String,
    pub target: String,
    pub template: String,
    pub event: String,
    pub subject: String,
    pub body: String,
    /// `pending`, `sent` or `failed` (gave up).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_at: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}
