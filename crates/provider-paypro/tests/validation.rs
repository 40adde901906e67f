//! Orders breaking a rule of PayPro's region table are refused before
//! sending, naming the field and the rule (`payout_platform::testing::validation`).

use payout_platform::testing::{validation as v, Check};
use provider_paypro::BRAND;

#[test]
fn required_fields() -> Check {
    v::required_fields(&BRAND)
}

#[test]
fn integer_regions_refuse_fractions() -> Check {
    v::integer_amounts(&BRAND)
}

#[test]
fn decimal_regions_send_two_places() -> Check {
    v::decimal_amounts(&BRAND)
}

#[test]
fn amount_bounds() -> Check {
    v::amount_bounds(&BRAND)
}

#[test]
fn digits_rule() -> Check {
    v::digits_rule(&BRAND)
}

#[test]
fn len_rule() -> Check {
    v::len_rule(&BRAND)
}

#[test]
fn one_of_rule() -> Check {
    v::one_of_rule(&BRAND)
}

#[test]
fn email_rule() -> Check {
    v::email_rule(&BRAND)
}

#[test]
fn notify_url_required() -> Check {
    v::notify_url_required(&BRAND)
}

#[test]
fn notify_url_optional() -> Check {
    v::notify_url_optional(&BRAND)
}

#[test]
fn remark_required() -> Check {
    v::remark_required(&BRAND)
}

#[test]
fn extras_cannot_override_protocol_fields() -> Check {
    v::reserved_extras(&BRAND)
}

#[test]
fn trade_no_at_most_32_characters() -> Check {
    v::trade_no_length(&BRAND)
}

#[test]
fn ascii_letters_rule() -> Check {
    v::ascii_letters_rule(&BRAND)
}
