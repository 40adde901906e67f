//! [`Xendit`]: Payouts v2 for one account and region as a pure
//! [`PayoutProtocol`].

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::HeaderValue;
use payout_core::{
    Balance, CallbackError, Capabilities, CreatePayout, Error, Operation, PayoutStatus,
    PayoutUpdate, ProviderSettings, Secret, TradeNo,
};
use payout_transport::{HeaderList, PayoutProtocol, RequestUrl, WireRequest, WireResponse};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use crate::payout::{self, Object};
use crate::region::{region, region_ids, Region};
use crate::webhook::{self, Webhook};
use crate::{create, declare, errors, DEFAULT_BASE_URL, ID, MAX_TRADE_NO_LEN};

/// Characters left as they are in a path segment or query value: RFC 3986
/// unreserved ones. Everything else is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The header carrying the idempotency key of a create.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-key";
/// The header naming the xenPlatform sub-account.
pub const FOR_USER_ID_HEADER: &str = "for-user-id";

/// Longest provider id accepted in a URL.
const MAX_ID_LEN: usize = 255;

/// Xendit Payouts v2 configured for one region and one account: pure
/// request building and answer parsing (see the crate's page for the
/// mapping).
///
/// `Debug` shows the region, base URL and sub-account, never the API key
/// or the webhook token.
pub struct Xendit {
    region: &'static Region,
    base: String,
    for_user_id: Option<String>,
    /// `Authorization`, `Accept` and `for-user-id`: built once, shared by
    /// every request.
    headers: HeaderList,
    create_url: RequestUrl,
    balance_url: RequestUrl,
    callback_token: Option<Secret>,
}

impl fmt::Debug for Xendit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Xendit")
            .field("region", &self.region.id)
            .field("base", &self.base)
            .field("for_user_id", &self.for_user_id)
            .field("api_key", &"***")
            .field(
                "callback_token",
                &self.callback_token.as_ref().map(|_| "***"),
            )
            .finish()
    }
}

/// The existing payout found after a create was refused as a duplicate
/// (D2), compared with the order.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Existing {
    /// Its status.
    pub status: PayoutStatus,
    /// Whether its amount, currency, channel code and account number are
    /// the order's (then it is the order's payout and may be adopted);
    /// otherwise it is a conflict.
    pub matches: bool,
}

impl Xendit {
    /// Configures the protocol from settings.
    ///
    /// - `region`: `indonesia` or `philippines`;
    /// - `endpoint`: [`payout_core::Endpoint::Url`] is the API root (the
    ///   simulator's address in tests); [`payout_core::Endpoint::Sandbox`]
    ///   is [`DEFAULT_BASE_URL`], the one host of test and live mode (the
    ///   key decides the mode);
    /// - `credentials.api_secret`: the secret API key (required);
    /// - `credentials.account`: the xenPlatform sub-account sent as
    ///   `for-user-id` (optional);
    /// - `credentials.callback_secret`: the webhook verification token
    ///   (needed only to verify webhooks).
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown region (the known ones are listed),
    /// a bad base URL, an empty API key or one with whitespace, or a
    /// sub-account id that cannot be a header.
    pub fn new(settings: &ProviderSettings) -> Result<Self, Error> {
        let region = region(&settings.region).ok_or_else(|| {
            Error::config(format!(
                "xendit has no region {:?}; known regions: {}",
                settings.region,
                region_ids()
            ))
        })?;
        let base = settings.base_url().unwrap_or(DEFAULT_BASE_URL).to_owned();
        let valid = (base.starts_with("https://") || base.starts_with("http://"))
            && !base
                .chars()
                .any(|c| c.is_whitespace() || c == '?' || c == '#');
        if !valid {
            return Err(Error::config(format!(
                "base URL {base:?} must be the API root as an http(s) URL without query, such as {DEFAULT_BASE_URL} (PAYOUT_BASE_URL)"
            )));
        }
        let key = &settings.credentials.api_secret;
        if key.is_empty() {
            return Err(Error::config(
                "the Xendit secret API key is empty; set PAYOUT_SECRET or use --secret-file",
            ));
        }
        if key
            .expose()
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::config(
                "the Xendit secret API key contains whitespace or control characters (a trailing newline in the secret file?); give the key alone",
            ));
        }
        let mut auth = HeaderValue::from_str(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{}:", key.expose()))
        ))
        .map_err(|_| Error::config("the Xendit secret API key cannot be sent"))?;
        auth.set_sensitive(true);
        let mut headers = vec![
            ("Authorization", auth),
            ("Accept", HeaderValue::from_static("application/json")),
        ];
        let for_user_id = settings
            .credentials
            .account
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if let Some(user) = for_user_id {
            let value = HeaderValue::from_str(user)
                .ok()
                .filter(|_| user.bytes().all(|b| b.is_ascii_graphic()))
                .ok_or_else(|| {
                    Error::config(format!(
                        "sub-account id {user:?} cannot be sent as for-user-id; give the id Xendit shows for the sub-account (PAYOUT_FOR_USER_ID)"
                    ))
                })?;
            headers.push((FOR_USER_ID_HEADER, value));
        }
        let create_url = RequestUrl::parse(&format!("{base}/v2/payouts"))?;
        let balance_url = RequestUrl::parse(&format!(
            "{base}/balance?account_type=CASH&currency={}",
            region.currency
        ))?;
        Ok(Self {
            region,
            for_user_id: for_user_id.map(str::to_owned),
            base,
            headers: headers.into(),
            create_url,
            balance_url,
            callback_token: settings
                .credentials
                .callback_secret
                .clone()
                .filter(|t| !t.is_empty()),
        })
    }

    /// The region in force.
    pub fn region_def(&self) -> &'static Region {
        self.region
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The sub-account sent as `for-user-id`, if any.
    pub fn for_user_id(&self) -> Option<&str> {
        self.for_user_id.as_deref()
    }

    /// `{base}/v2/payouts/{id}{tail}` with the id escaped.
    ///
    /// # Errors
    /// [`Error::Validation`] for an empty, too long or dot-segment id.
    fn payout_url(&self, provider_id: &str, tail: &str) -> Result<RequestUrl, Error> {
        if provider_id.is_empty()
            || provider_id.len() > MAX_ID_LEN
            || provider_id == "."
            || provider_id == ".."
        {
            return Err(Error::validation(
                "provider_id",
                format!("must be Xendit's payout id (such as disb-…), 1 to {MAX_ID_LEN} bytes"),
            ));
        }
        let id = utf8_percent_encode(provider_id, COMPONENT);
        RequestUrl::parse(&format!("{}/v2/payouts/{id}{tail}", self.base))
    }

    /// Checks the trade number against the key's limit (D1: 100).
    fn check_trade_no(&self, trade_no: &TradeNo) -> Result<(), Error> {
        payout_core::TradeNoRule::max_len(ID, MAX_TRADE_NO_LEN).check(trade_no)
    }

    fn invalid(operation: Operation, message: impl Into<String>) -> Error {
        Error::InvalidResponse {
            operation,
            message: message.into(),
        }
    }

    /// The payouts of a lookup-by-reference answer that are about
    /// `trade_no`; `Err(NotFound)` when there is none (an empty list, or
    /// `404 DATA_NOT_FOUND`: a proof of absence).
    fn reference_items(
        &self,
        operation: Operation,
        trade_no: &TradeNo,
        response: &WireResponse,
    ) -> Result<Vec<Object>, Error> {
        let not_found = || Error::NotFound {
            operation,
            trade_no: trade_no.clone(),
        };
        if errors::is_data_not_found(response) {
            return Err(not_found());
        }
        if !response.is_success() {
            return Err(errors::from_response(operation, response));
        }
        let items = payout::list(&response.body).map_err(|m| Self::invalid(operation, m))?;
        if items.is_empty() {
            return Err(not_found());
        }
        let total = items.len();
        let ours: Vec<Object> = items
            .into_iter()
            .filter(|o| o.get("reference_id").and_then(Value::as_str) == Some(trade_no.as_str()))
            .collect();
        if ours.is_empty() {
            return Err(Self::invalid(
                operation,
                format!("the lookup by reference_id {trade_no} returned {total} payouts, none with that reference"),
            ));
        }
        Ok(ours)
    }

    /// Chooses among `items` (see the crate page) and reads the choice.
    fn chosen_status(
        &self,
        operation: Operation,
        trade_no: &TradeNo,
        items: &[Object],
    ) -> Result<(PayoutStatus, Object), Error> {
        let chosen = payout::choose(items, trade_no)
            .ok_or_else(|| Self::invalid(operation, "empty list"))?;
        let mut status = payout::status_of(self.region, chosen, Some(trade_no), None)
            .map_err(|m| Self::invalid(operation, m))?;
        if items.len() > 1 {
            tracing::warn!(trade_no = %trade_no, matches = items.len(), chosen = ?status.platform_trade_no, "several Xendit payouts carry this reference; reporting the one created last");
            status
                .extra
                .insert("reference_matches".into(), Value::from(items.len()));
        }
        Ok((status, chosen.clone()))
    }

    /// Reads the answer of the lookup by reference made after a create was
    /// refused as a duplicate (D2) and compares the payout found with
    /// `order`: amount, currency, channel code and account number equal
    /// means it is the order's payout (adopt it); otherwise a conflict.
    ///
    /// # Errors
    /// As [`PayoutProtocol::parse_query`]: [`Error::NotFound`] when no
    /// payout carries the reference (the key was used by a request that
    /// placed nothing).
    pub fn parse_existing(
        &self,
        order: &CreatePayout,
        response: &WireResponse,
    ) -> Result<Existing, Error> {
        let op = Operation::QueryPayout;
        let items = self.reference_items(op, &order.trade_no, response)?;
        let (status, raw) = self.chosen_status(op, &order.trade_no, &items)?;
        let matches = create::check(self.region, order)
            .map(|p| {
                let props = raw.get("channel_properties").and_then(Value::as_object);
                let account = props
                    .and_then(|p| p.get("account_number"))
                    .or_else(|| raw.get("account_number"))
                    .and_then(Value::as_str);
                status.amount == Some(p.amount)
                    && status.currency == self.region.currency
                    && raw.get("channel_code").and_then(Value::as_str) == Some(p.channel_code)
                    && account == Some(p.account_number)
            })
            .unwrap_or(false);
        Ok(Existing { status, matches })
    }

    /// Verifies and reads a webhook, telling payout events from events this
    /// SDK does not read (D8).
    ///
    /// # Errors
    /// See [`CallbackError`]: no token configured
    /// ([`CallbackError::Unsupported`]), a missing or wrong
    /// `x-callback-token`, or a body that is not a Payouts v2 webhook.
    pub fn read_webhook(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Webhook, CallbackError> {
        webhook::read(self.region, self.callback_token.as_ref(), headers, body)
    }
}

impl PayoutProtocol for Xendit {
    fn id(&self) -> &'static str {
        ID
    }

    fn region(&self) -> &str {
        self.region.id
    }

    fn capabilities(&self) -> Capabilities {
        declare()
    }

    /// `GET {base}/v2/payouts?reference_id=<trade number, escaped>`.
    fn build_query(&self, trade_no: &TradeNo, _now_ms: u64) -> Result<WireRequest, Error> {
        self.check_trade_no(trade_no)?;
        let reference = utf8_percent_encode(trade_no.as_str(), COMPONENT);
        let url = RequestUrl::parse(&format!(
            "{}/v2/payouts?reference_id={reference}",
            self.base
        ))?;
        Ok(WireRequest::get(url, Arc::clone(&self.headers)))
    }

    /// A list (either shape) → the payout carrying the reference; an empty
    /// list or `404 DATA_NOT_FOUND` → [`Error::NotFound`].
    fn parse_query(
        &self,
        trade_no: &TradeNo,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let op = Operation::QueryPayout;
        let items = self.reference_items(op, trade_no, response)?;
        self.chosen_status(op, trade_no, &items).map(|(s, _)| s)
    }

    fn validate_create(&self, order: &CreatePayout) -> Result<(), Error> {
        self.check_trade_no(&order.trade_no)?;
        create::check(self.region, order).map(|_| ())
    }

    /// `POST {base}/v2/payouts` with `Idempotency-key: <trade number>` and
    /// the body of the crate page (same order, same bytes).
    fn build_create(&self, order: &CreatePayout, _now_ms: u64) -> Result<WireRequest, Error> {
        self.check_trade_no(&order.trade_no)?;
        let payout = create::check(self.region, order)?;
        let body = create::body(self.region, order, &payout);
        let key = HeaderValue::from_str(order.trade_no.as_str())
            .map_err(|_| Error::validation("trade_no", "cannot be sent as Idempotency-key"))?;
        let mut headers: Vec<(&'static str, HeaderValue)> = self.headers.to_vec();
        headers.push((IDEMPOTENCY_HEADER, key));
        Ok(WireRequest::post(
            self.create_url.clone(),
            headers.into(),
            body,
        ))
    }

    /// 2xx → the payout (a replay may already be final); a refusal with a
    /// Xendit error body → [`Error::Rejected`]; anything else is left to the
    /// connector as an unknown outcome.
    fn parse_create(
        &self,
        order: &CreatePayout,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let op = Operation::CreatePayout;
        if !response.is_success() {
            return Err(errors::from_response(op, response));
        }
        let obj = payout::object(&response.body).map_err(|m| Self::invalid(op, m))?;
        let mut status = payout::status_of(self.region, &obj, Some(&order.trade_no), None)
            .map_err(|m| Self::invalid(op, m))?;
        if status.amount.is_none() {
            status.amount = Some(order.amount);
        }
        Ok(status)
    }

    /// `GET {base}/v2/payouts/{id}` (id escaped).
    fn build_query_by_id(&self, provider_id: &str, _now_ms: u64) -> Result<WireRequest, Error> {
        Ok(WireRequest::get(
            self.payout_url(provider_id, "")?,
            Arc::clone(&self.headers),
        ))
    }

    /// 2xx → the payout (it must carry the id asked about); `404` →
    /// [`Error::Rejected`] with [`payout_core::RejectReason::NotFound`].
    fn parse_query_by_id(
        &self,
        provider_id: &str,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        self.payout_answer(Operation::QueryPayout, provider_id, response)
    }

    /// `GET {base}/balance?account_type=CASH&currency=<region currency>`.
    fn build_balance(&self, _now_ms: u64) -> Result<WireRequest, Error> {
        Ok(WireRequest::get(
            self.balance_url.clone(),
            Arc::clone(&self.headers),
        ))
    }

    /// `{"balance": n}` → available `n`. Xendit reports no frozen or
    /// unsettled amounts: both are `None`.
    fn parse_balance(&self, response: &WireResponse) -> Result<Balance, Error> {
        self.parse_balance_in(self.region.currency, response)
    }

    /// `GET {base}/balance?account_type=CASH&currency=C`: the cash balance
    /// in another currency of the same account.
    fn build_balance_in(
        &self,
        currency: payout_core::Currency,
        _now_ms: u64,
    ) -> Result<WireRequest, Error> {
        let url = RequestUrl::parse(&format!(
            "{}/balance?account_type=CASH&currency={currency}",
            self.base
        ))?;
        Ok(WireRequest::get(url, Arc::clone(&self.headers)))
    }

    /// As [`Xendit::parse_balance`], in `currency`.
    fn parse_balance_in(
        &self,
        currency: payout_core::Currency,
        response: &WireResponse,
    ) -> Result<Balance, Error> {
        let op = Operation::Balance;
        if !response.is_success() {
            return Err(errors::from_response(op, response));
        }
        let obj = payout::object(&response.body).map_err(|m| Self::invalid(op, m))?;
        let available = obj
            .get("balance")
            .filter(|v| !v.is_null())
            .ok_or_else(|| Self::invalid(op, "the balance answer has no `balance`"))
            .and_then(|v| payout::amount(v, "balance", true).map_err(|m| Self::invalid(op, m)))?;
        // Xendit reports one cash balance: nothing frozen or unsettled is
        // known, so those stay empty (never a made-up zero).
        Ok(Balance::available_only(ID, currency, available))
    }

    /// `POST {base}/v2/payouts/{id}/cancel`, no body.
    fn build_cancel(&self, provider_id: &str, _now_ms: u64) -> Result<WireRequest, Error> {
        Ok(WireRequest::post(
            self.payout_url(provider_id, "/cancel")?,
            Arc::clone(&self.headers),
            Bytes::new(),
        ))
    }

    /// 2xx → the payout (`CANCELLED`); `400 CANCELLATION_NOT_ALLOWED` →
    /// [`Error::Rejected`] with [`payout_core::RejectReason::NotAllowed`];
    /// `404` → [`payout_core::RejectReason::NotFound`].
    fn parse_cancel(
        &self,
        provider_id: &str,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        self.payout_answer(Operation::CancelPayout, provider_id, response)
    }

    /// Verifies `x-callback-token` (constant time) and reads the body
    /// (both shapes). The update carries the event name and the delivery's
    /// de-duplication key (D9). An authentic event this SDK does not read
    /// is [`CallbackError::Ignored`]: acknowledged, nothing changed (D8).
    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        match self.read_webhook(headers, body)? {
            Webhook::Update(update) => {
                let event = update
                    .status
                    .extra
                    .get("event")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                let mut update = update;
                if let Some(event) = event {
                    update = update.with_event(event);
                }
                if let Some(key) = crate::dedup_key(headers, body) {
                    update = update.with_delivery_id(key);
                }
                Ok(update)
            }
            Webhook::Ignored { event, .. } => {
                tracing::debug!(event = %payout_core::error::excerpt(event.as_bytes(), 60), "webhook event not read by this SDK: acknowledged and ignored");
                Err(CallbackError::Ignored(format!(
                    "xendit event {:?} is not a payout event this SDK acts on",
                    payout_core::error::excerpt(event.as_bytes(), 60)
                )))
            }
        }
    }
}

impl Xendit {
    /// Reads an answer that is one payout object about `provider_id`.
    fn payout_answer(
        &self,
        op: Operation,
        provider_id: &str,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        if !response.is_success() {
            return Err(errors::from_response(op, response));
        }
        let obj = payout::object(&response.body).map_err(|m| Self::invalid(op, m))?;
        let status =
            payout::status_of(self.region, &obj, None, None).map_err(|m| Self::invalid(op, m))?;
        if status.platform_trade_no.as_deref() != Some(provider_id) {
            return Err(Self::invalid(
                op,
                format!(
                    "the answer is about payout {:?}, not {provider_id:?}",
                    status.platform_trade_no.as_deref().unwrap_or("")
                ),
            ));
        }
        Ok(status)
    }
}
