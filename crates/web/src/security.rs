//! Security headers on every response, and the limit on failed logins ([`LoginLimiter`]).

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Only the binary's own assets: no inline script or style, no other origin, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

/// Adds the security headers (CSP, nosniff, referrer policy, no framing) to a response.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    response
}

// ----- login attempts ------------------------------------------------------------------

/// The address of the client (`None` when the router runs without connection info, as in
/// tests with `oneshot`): the peer's, or, when the peer is a trusted reverse proxy
/// ([`AppState::with_trusted_proxies`](crate::AppState::with_trusted_proxies)), the right-most
/// address of `X-Forwarded-For` that is not one of the trusted proxies. Without trusted
/// proxies, behind a proxy every client shares the proxy's budget of failed logins.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<crate::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(client_ip(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

/// The client's address: the peer, or behind trusted proxies the right-most untrusted address
/// of `X-Forwarded-For` (the left part of the header is what the client says of itself, and
/// can be forged).
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[TrustedProxy],
) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| t.contains(*ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let chain: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(chain.first())
        .copied()
        .or(Some(peer))
}

/// A reverse proxy (an address, or a network in CIDR notation) whose `X-Forwarded-For` the
/// server believes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    pub addr: IpAddr,
    /// Length of the network prefix (32 or 128 for one address).
    pub prefix: u8,
}

impl TrustedProxy {
    pub fn parse(v: &str) -> Option<TrustedProxy> {
        let v = v.trim();
        let (addr, prefix) = match v.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (v.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(TrustedProxy { addr, prefix })
    }

    /// Whether `ip` is this address or in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for TrustedProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let max = if self.addr.is_ipv4() { 32 } else { 128 };
        if self.prefix == max {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.prefix)
        }
    }
}

/// Settings of a [`LoginLimiter`] budget: `free` failures are allowed; each failure after them
/// doubles the wait before the next attempt, from `first_wait` up to `max_wait`. A key
/// without failure for `forget_after` starts again from zero.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub free: u32,
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub forget_after: Duration,
}

/// Failed logins (form or bearer token), counted per client address and for the one account
/// (the administrator token): past a few failures, each attempt must wait, twice as long after
/// every new failure. A success clears the client's and the account's count. Attempts refused
/// for waiting are not checked, so guessing is bounded whatever the rate of requests.
///
/// The count lives in the process: with several instances, each has its own.
#[derive(Debug)]
pub struct LoginLimiter {
    per_client: Budget,
    account: Budget,
    /// Client addresses remembered at most (memory bound); past it, only the account counts.
    max_clients: usize,
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    clients: HashMap<Option<IpAddr>, Failures>,
    account: Option<Failures>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt is allowed, if later than `now`.
    fn wait(&self, budget: &Budget, now: Instant) -> Option<Duration> {
        if self.count < budget.free || now.duration_since(self.last) >= budget.forget_after {
            return None;
        }
        let doublings = (self.count - budget.free).min(20);
        let wait = budget
            .first_wait
            .saturating_mul(1 << doublings)
            .min(budget.max_wait);
        let allowed = self.last + wait;
        (allowed > now).then(|| allowed - now)
    }

    fn add(entry: &mut Option<Self>, budget: &Budget, now: Instant) {
        match entry {
            Some(f) if now.duration_since(f.last) < budget.forget_after => {
                f.count = f.count.saturating_add(1);
                f.last = now;
            }
            _ => {
                *entry = Some(Self {
                    count: 1,
                    last: now,
                })
            }
        }
    }
}

impl Default for LoginLimiter {
    /// Five failures per client, then 1 s, 2 s, 4 s… up to 15 min; twenty for the account
    /// (from all clients), then up to 1 min (a distributed guess is slowed without locking
    /// the administrator out for long).
    fn default() -> Self {
        Self::new(
            Budget {
                free: 5,
                first_wait: Duration::from_secs(1),
                max_wait: Duration::from_secs(15 * 60),
                forget_after: Duration::from_secs(60 * 60),
            },
            Budget {
                free: 20,
                first_wait: Duration::from_secs(1),
                max_wait: Duration::from_secs(60),
                forget_after: Duration::from_secs(15 * 60),
            },
            10_000,
        )
    }
}

impl LoginLimiter {
    pub fn new(per_client: Budget, account: Budget, max_clients: usize) -> Self {
        Self {
            per_client,
            account,
            max_clients,
            state: Mutex::new(LimiterState::default()),
        }
    }

    /// How long `client` must wait before its next attempt, if it must.
    pub fn retry_after(&self, client: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let s = self.lock();
        let by_client = s
            .clients
            .get(&client)
            .and_then(|f| f.wait(&self.per_client, now));
        let by_account = s.account.and_then(|f| f.wait(&self.account, now));
        by_client.max(by_account)
    }

    /// Records a failed attempt of `client`.
    pub fn failed(&self, client: Option<IpAddr>, now: Instant) {
        let mut s = self.lock();
        Failures::add(&mut s.account, &self.account, now);
        if !s.clients.contains_key(&client) && s.clients.len() >= self.max_clients {
            let forget = self.per_client.forget_after;
            s.clients.retain(|_, f| now.duration_since(f.last) < forget);
            if s.clients.len() >= self.max_clients {
                return;
            }
        }
        let mut entry = s.clients.get(&client).copied();
        Failures::add(&mut entry, &self.per_client, now);
        if let Some(f) = entry {
            s.clients.insert(client, f);
        }
    }

    /// Records a successful login of `client`: its count and the account's start again.
    pub fn succeeded(&self, client: Option<IpAddr>) {
        let mut s = self.lock();
        s.clients.remove(&client);
        s.account = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        // The state is a few counters: one left by a panicking thread is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The answer to an attempt made too soon: 429 with `Retry-After` (whole seconds, rounded up).
pub fn too_many_attempts(wait: Duration) -> crate::AppError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    crate::AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "trop_de_tentatives",
        format!("Trop de tentatives de connexion échouées : réessayez dans {secs} seconde(s)."),
    )
    .with_retry_after(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().expect("ip");
        let trusted = [TrustedProxy::parse("10.0.0.0/24").expect("réseau")];
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("valeur"),
        );
        // From a trusted proxy: the right-most untrusted address (the left is the client's
        // own claim and could be forged).
        assert_eq!(
            client_ip(Some(proxy), &h, &trusted),
            "198.51.100.7".parse().ok()
        );
        // From anyone else, the header is ignored.
        let other: IpAddr = "192.0.2.1".parse().expect("ip");
        assert_eq!(client_ip(Some(other), &h, &trusted), Some(other));
        assert_eq!(client_ip(Some(proxy), &h, &[]), Some(proxy));
        // A trusted proxy without the header is the client.
        assert_eq!(
            client_ip(Some(proxy), &axum::http::HeaderMap::new(), &trusted),
            Some(proxy)
        );
        assert!(TrustedProxy::parse("10.0.0.0/33").is_none());
        assert!(TrustedProxy::parse("pas une adresse").is_none());
    }

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(
            Budget {
                free: 3,
                first_wait: Duration::from_secs(1),
                max_wait: Duration::from_secs(8),
                forget_after: Duration::from_secs(600),
            },
            Budget {
                free: 10,
                first_wait: Duration::from_secs(1),
                max_wait: Duration::from_secs(4),
                forget_after: Duration::from_secs(600),
            },
            2,
        )
    }

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([127, 0, 0, last]))
    }

    #[test]
    fn free_failures_then_a_doubling_wait_up_to_the_cap() {
        let l = limiter();
        let t0 = Instant::now();
        let s = Duration::from_secs;
        for i in 0..3 {
            assert_eq!(l.retry_after(ip(1), t0), None, "failure {i} is free");
            l.failed(ip(1), t0);
        }
        // Third failure done: 1 s, then 2, 4, 8, 8.
        assert_eq!(l.retry_after(ip(1), t0), Some(s(1)));
        assert_eq!(l.retry_after(ip(1), t0 + s(1)), None);
        let mut t = t0 + s(1);
        for expected in [2, 4, 8, 8] {
            l.failed(ip(1), t);
            assert_eq!(l.retry_after(ip(1), t), Some(s(expected)));
            assert_eq!(
                l.retry_after(ip(1), t + s(expected) - Duration::from_millis(1)),
                Some(Duration::from_millis(1))
            );
            t += s(expected);
            assert_eq!(l.retry_after(ip(1), t), None);
        }
        // Another client is not concerned.
        assert_eq!(l.retry_after(ip(2), t0), None);
    }

    #[test]
    fn a_success_clears_and_a_long_pause_forgets() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..4 {
            l.failed(ip(1), t0);
        }
        assert!(l.retry_after(ip(1), t0).is_some());
        l.succeeded(ip(1));
        assert_eq!(l.retry_after(ip(1), t0), None);
        for _ in 0..4 {
            l.failed(ip(1), t0);
        }
        assert_eq!(l.retry_after(ip(1), t0 + Duration::from_secs(600)), None);
        // After the pause the count starts again from one.
        l.failed(ip(1), t0 + Duration::from_secs(600));
        assert_eq!(l.retry_after(ip(1), t0 + Duration::from_secs(600)), None);
    }

    #[test]
    fn failures_from_many_clients_slow_the_account_down() {
        let l = limiter();
        let t0 = Instant::now();
        // 10 clients, one failure each: none is slowed for itself, the account now is.
        for i in 0..10 {
            l.failed(ip(i), t0);
        }
        assert_eq!(l.retry_after(ip(200), t0), Some(Duration::from_secs(1)));
        // Only two clients are remembered (max_clients), but the account still counts.
        assert!(l.lock().clients.len() <= 2);
        for _ in 0..5 {
            l.failed(ip(100), t0);
        }
        assert_eq!(l.retry_after(ip(201), t0), Some(Duration::from_secs(4)));
    }

    #[test]
    fn the_answer_is_a_429_with_retry_after_in_whole_seconds() {
        let e = too_many_attempts(Duration::from_millis(1500));
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.retry_after, Some(2));
        assert!(e.message.contains("2 seconde"), "{}", e.message);
    }
}
