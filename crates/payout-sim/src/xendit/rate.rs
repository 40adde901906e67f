//! The optional rate limiter (spec §9): a sliding window per endpoint,
//! holding at most `limit` instants per endpoint, and its three headers.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::response::Response;
use http::HeaderValue;

use super::config::RateLimit;
use super::XenditEndpoint;

/// A limiter over the endpoints.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    windows: Mutex<[VecDeque<Instant>; XenditEndpoint::COUNT]>,
}

/// The limiter's verdict on one request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Verdict {
    pub allowed: bool,
    limit: u32,
    remaining: u32,
    reset: Duration,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            windows: Mutex::new(Default::default()),
        }
    }

    /// Counts a request to `endpoint` if the window has room.
    pub(crate) fn check(&self, endpoint: XenditEndpoint) -> Verdict {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let window = &mut windows[endpoint.index()];
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
        {
            window.pop_front();
        }
        let used = u32::try_from(window.len()).unwrap_or(u32::MAX);
        let allowed = used < self.limit.limit;
        if allowed {
            window.push_back(now);
        }
        let reset = window.front().map_or(self.limit.window, |oldest| {
            (*oldest + self.limit.window).saturating_duration_since(now)
        });
        Verdict {
            allowed,
            limit: self.limit.limit,
            remaining: self.limit.limit.saturating_sub(used + u32::from(allowed)),
            reset,
        }
    }

    /// Instants held (for the footprint).
    pub(crate) fn held(&self) -> usize {
        self.windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(VecDeque::len)
            .sum()
    }
}

impl Verdict {
    /// Adds `Rate-Limit-Limit`, `Rate-Limit-Remaining` and `Rate-Limit-Reset`
    /// (seconds, two decimals, e.g. `58.37`).
    pub(crate) fn stamp(&self, response: &mut Response) {
        let ms = self.reset.as_millis();
        let reset = format!("{}.{:02}", ms / 1000, (ms % 1000) / 10);
        let h = response.headers_mut();
        h.insert("rate-limit-limit", HeaderValue::from(self.limit));
        h.insert("rate-limit-remaining", HeaderValue::from(self.remaining));
        if let Ok(v) = HeaderValue::from_str(&reset) {
            h.insert("rate-limit-reset", v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_per_endpoint() {
        let l = RateLimiter::new(RateLimit::new(2, Duration::from_secs(60)));
        let a = l.check(XenditEndpoint::Create);
        assert!(a.allowed && a.remaining == 1);
        let b = l.check(XenditEndpoint::Create);
        assert!(b.allowed && b.remaining == 0);
        let c = l.check(XenditEndpoint::Create);
        assert!(!c.allowed && c.remaining == 0);
        assert!(c.reset <= Duration::from_secs(60) && c.reset > Duration::from_secs(58));
        assert!(l.check(XenditEndpoint::Get).allowed, "another endpoint");
        assert_eq!(l.held(), 3);
    }

    #[test]
    fn headers() {
        let v = Verdict {
            allowed: true,
            limit: 60,
            remaining: 59,
            reset: Duration::from_millis(58_374),
        };
        let mut r = Response::new(axum::body::Body::empty());
        v.stamp(&mut r);
        assert_eq!(r.headers()["rate-limit-reset"], "58.37");
        assert_eq!(r.headers()["rate-limit-remaining"], "59");
    }
}
