//! What the simulator writes: the payout object (spec §3.2), webhook
//! bodies in both forms (spec §6), ISO 8601 times, exact amounts and ids.

use chrono::{DateTime, Utc};
use payout_core::Decimal;

use super::config::WebhookForm;
use super::ledger::{Payout, XenditStatus};
use payout_transport::json::JsonWriter;

/// `2026-08-17T04:33:38.428Z`.
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// An amount as a JSON number in its shortest exact form (`10000`, `1.1`).
pub(crate) fn amount(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A UUID-shaped id (version 4 layout), unique within the run: the last
/// group carries `serial`.
pub(crate) fn uuid_like(serial: u64) -> String {
    let a = fastrand::u32(..);
    let b = fastrand::u16(..);
    let c = fastrand::u16(..0x1000);
    let d = 0x8000 | fastrand::u16(..0x4000);
    format!(
        "{a:08x}-{b:04x}-4{c:03x}-{d:04x}-{:012x}",
        serial & 0xffff_ffff_ffff
    )
}

/// The fields every form of the payout shares, up to `status`.
fn head(w: &mut JsonWriter, p: &Payout) {
    w.str("id", &p.id)
        .decimal("amount", p.amount.normalize())
        .str("channel_code", p.channel.code)
        .str("currency", p.channel.currency);
    if let Some(d) = &p.description {
        w.str("description", d);
    }
    w.str("reference_id", &p.reference_id)
        .str("status", p.status.as_str());
}

fn channel_properties(w: &mut JsonWriter, p: &Payout) {
    w.begin_object("channel_properties")
        .str("account_number", &p.account_number)
        .str("account_holder_name", &p.account_holder_name);
    if let Some(t) = &p.account_type {
        w.str("account_type", t);
    }
    w.end();
}

/// The payout object's fields (without the braces' owner).
fn fields(w: &mut JsonWriter, p: &Payout, business_id: &str) {
    head(w, p);
    w.str("created", &iso(p.created))
        .str("updated", &iso(p.updated))
        .str("estimated_arrival_time", &iso(p.estimated_arrival))
        .str("business_id", business_id);
    channel_properties(w, p);
    if let Some(r) = &p.receipt_notification {
        w.raw("receipt_notification", r);
    }
    if let Some(m) = &p.metadata {
        w.raw("metadata", m);
    }
    if let Some(f) = p.failure_code {
        w.str("failure_code", f);
    }
}

/// The payout object.
pub(crate) fn payout(p: &Payout, business_id: &str) -> Vec<u8> {
    let mut w = JsonWriter::object(512);
    fields(&mut w, p, business_id);
    w.finish()
}

/// A page of the list by reference: `{"has_more":..,"data":[payout,...]}`.
pub(crate) fn list(payouts: &[&Payout], has_more: bool, business_id: &str) -> Vec<u8> {
    let mut w = JsonWriter::object(64 + 512 * payouts.len());
    w.bool("has_more", has_more).begin_array("data");
    for p in payouts {
        w.item_object();
        fields(&mut w, p, business_id);
        w.end();
    }
    w.finish()
}

/// The webhook body of `p` reaching its current status (`event`).
pub(crate) fn webhook(
    p: &Payout,
    business_id: &str,
    event: &str,
    form: WebhookForm,
    now: DateTime<Utc>,
) -> Vec<u8> {
    let mut w = JsonWriter::object(768);
    match form {
        WebhookForm::Documented => {
            w.str("event", event)
                .str("business_id", business_id)
                .str("created", &iso(now));
            w.begin_object("data");
            fields(&mut w, p, business_id);
            w.end();
        }
        WebhookForm::Observed => {
            w.str("created", &iso(now))
                .str("business_id", business_id)
                .str("event", event);
            w.begin_object("data");
            w.str("id", &p.id)
                .decimal("amount", p.amount.normalize())
                .str("status", p.status.as_str())
                .str("created", &iso(p.created))
                .str("updated", &iso(p.updated))
                .str("currency", p.channel.currency);
            if let Some(d) = &p.description {
                w.str("description", d);
            }
            w.str("channel_code", p.channel.code);
            if let Some(f) = p.failure_code {
                w.str("failure_code", f);
            }
            w.str("reference_id", &p.reference_id)
                .str("account_number", &p.account_number)
                .str("idempotency_key", &p.idempotency_key)
                .str("channel_category", p.channel.category.as_str())
                .str("account_holder_name", &p.account_holder_name);
            if p.status != XenditStatus::Failed {
                if let Some(c) = &p.connector_reference {
                    w.str("connector_reference", c);
                }
            }
            if let Some(m) = &p.metadata {
                w.raw("metadata", m);
            }
            w.str("estimated_arrival_time", &iso(p.estimated_arrival));
            w.end();
            w.str("api_version", "v2");
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_times() {
        assert_eq!(amount(Decimal::new(100000, 1)), "10000");
        assert_eq!(amount(Decimal::new(110, 2)), "1.1");
        assert_eq!(amount(Decimal::new(111, 2)), "1.11");
        let t = DateTime::parse_from_rfc3339("2026-08-17T04:33:38.428Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(iso(t), "2026-08-17T04:33:38.428Z");
        let id = uuid_like(7);
        assert_eq!(id.len(), 36);
        assert!(id.ends_with("-000000000007"));
        assert_eq!(&id[14..15], "4");
    }
}
