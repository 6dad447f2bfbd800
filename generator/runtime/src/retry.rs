//! When and how long to wait before sending a request again, and the options one request can
//! change without changing its type.

use std::time::{Duration, SystemTime};

use crate::meta::Method;

/// When a failed attempt is retried, and how long the client waits before the next.
///
/// By default: up to 3 attempts (2 retries) on connection errors, timeouts, 408, 429, 502, 503
/// and 504, waiting 0.5 s, then 1 s, … (at most 8 s, with jitter) or what `Retry-After` says
/// (at most 60 s), within a budget of 2 minutes. Only idempotent methods (GET, HEAD, OPTIONS,
/// PUT, DELETE, TRACE) are retried, and POST or PATCH when the request carries an idempotency
/// key: a header the spec marks as one, or one named in [`idempotency_headers`](RetryPolicy::idempotency_header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    statuses: Vec<u16>,
    connection_errors: bool,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    budget: Option<Duration>,
    idempotency_headers: Vec<String>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            statuses: vec![408, 429, 502, 503, 504],
            connection_errors: true,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            budget: Some(Duration::from_secs(120)),
            idempotency_headers: vec!["idempotency-key".to_string()],
        }
    }
}

impl RetryPolicy {
    /// One attempt: nothing is retried.
    pub fn never() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// At most this many attempts in all (the first included); 0 counts as 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The response statuses that are retried (replacing 408, 429, 502, 503, 504).
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Whether connection errors and timeouts are retried (they are by default).
    pub fn connection_errors(mut self, retry: bool) -> Self {
        self.connection_errors = retry;
        self
    }

    /// The wait before the first retry; it doubles with each retry, up to `max`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` honoured; a longer one is cut to this.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The time all attempts and waits of one call may take: no retry starts whose wait
    /// would end after it. `None`: no limit but the attempts.
    pub fn budget(mut self, budget: Option<Duration>) -> Self {
        self.budget = budget;
        self
    }

    /// A header whose presence makes a POST or PATCH safe to retry (`Idempotency-Key` is one
    /// already).
    pub fn idempotency_header(mut self, name: impl Into<String>) -> Self {
        self.idempotency_headers.push(name.into().to_ascii_lowercase());
        self
    }

    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a request of this method with these headers may be sent twice; `marked_key`:
    /// it sets a header the spec marks as an idempotency key.
    pub fn may_retry(&self, method: Method, headers: &[(String, String)], marked_key: bool) -> bool {
        let idempotent = matches!(method, Method::Get | Method::Head | Method::Options | Method::Put | Method::Delete | Method::Trace);
        idempotent || marked_key || headers.iter().any(|(name, _)| self.idempotency_headers.iter().any(|key| key.eq_ignore_ascii_case(name)))
    }

    /// Whether an answer with this status is retried.
    pub fn retries_status(&self, status: u16) -> bool {
        self.statuses.contains(&status)
    }

    /// Whether a failure to get an answer is retried.
    pub fn retries_connection_errors(&self) -> bool {
        self.connection_errors
    }

    /// The wait before attempt `next` (2 for the first retry): `Retry-After` if the answer
    /// had one (capped), else exponential backoff with jitter (between half and all of it).
    pub fn delay(&self, next: u32, retry_after: Option<&str>, now: SystemTime) -> Duration {
        if let Some(wait) = retry_after.and_then(|value| parse_retry_after(value, now)) {
            return wait.min(self.max_retry_after);
        }
        let doublings = next.saturating_sub(2).min(20);
        let full = self.initial_backoff.saturating_mul(1 << doublings).min(self.max_backoff);
        full.mul_f64(0.5 + 0.5 * jitter())
    }

    /// Whether a wait still fits the budget, `elapsed` having been spent already.
    pub fn fits_budget(&self, elapsed: Duration, wait: Duration) -> bool {
        self.budget.is_none_or(|budget| elapsed + wait <= budget)
    }
}

/// `Retry-After` as seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`); a date
/// in the past is no wait. Anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1) that differs between calls: enough to spread clients' retries apart.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// What one call, or every call of a client made by
/// [`with_options`](crate::client::Client::with_options), does beyond its request: a time
/// limit, extra headers and query parameters, a retry policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) retry: Option<RetryPolicy>,
}

impl RequestOptions {
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// A time limit for each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent besides the request's own; it replaces a header of the same name.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A query parameter added after the request's own (the name and value are encoded here).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The retry policy of these calls.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// These options, with `other`'s added: its timeout and policy win, its headers and
    /// query parameters come after.
    pub fn and(&self, other: RequestOptions) -> RequestOptions {
        let mut merged = self.clone();
        merged.timeout = other.timeout.or(merged.timeout);
        merged.retry = other.retry.or(merged.retry);
        merged.headers.extend(other.headers);
        merged.query.extend(other.query);
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn delays_grow_with_jitter_and_are_capped() {
        let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(300));
        let now = SystemTime::now();
        for _ in 0..50 {
            let first = policy.delay(2, None, now);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let second = policy.delay(3, None, now);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200), "{second:?}");
            let capped = policy.delay(9, None, now);
            assert!(capped <= Duration::from_millis(300), "{capped:?}");
        }
        assert_eq!(policy.clone().max_retry_after(Duration::from_secs(2)).delay(2, Some("30"), now), Duration::from_secs(2));
    }

    #[test]
    fn only_idempotent_requests_are_retried_unless_keyed() {
        let policy = RetryPolicy::default();
        assert!(policy.may_retry(Method::Get, &[], false));
        assert!(policy.may_retry(Method::Delete, &[], false));
        assert!(!policy.may_retry(Method::Post, &[], false));
        assert!(policy.may_retry(Method::Post, &[], true));
        assert!(policy.may_retry(Method::Patch, &[("Idempotency-Key".into(), "k1".into())], false));
        assert!(!policy.may_retry(Method::Post, &[("X-Request-Key".into(), "k1".into())], false));
        assert!(policy.idempotency_header("X-Request-Key").may_retry(Method::Post, &[("x-request-key".into(), "k1".into())], false));
    }

    #[test]
    fn budget_stops_waits_that_end_too_late() {
        let policy = RetryPolicy::default().budget(Some(Duration::from_secs(1)));
        assert!(policy.fits_budget(Duration::from_millis(400), Duration::from_millis(500)));
        assert!(!policy.fits_budget(Duration::from_millis(600), Duration::from_millis(500)));
        assert!(RetryPolicy::default().budget(None).fits_budget(Duration::from_secs(1000), Duration::from_secs(60)));
    }
}
