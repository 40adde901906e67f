//! Callback verification vectors against Vexora's regions
//! (`payout_platform::testing::callbacks`), and the secret never printed.

use payout_platform::testing::{callbacks as c, secrets, Check};
use provider_vexora::BRAND;

#[test]
fn signing_vector_verifies() -> Check {
    c::good_vector(&BRAND)
}

#[test]
fn tampered_amount_is_bad_signature() -> Check {
    c::tampered_amount(&BRAND)
}

#[test]
fn missing_signature() -> Check {
    c::missing_signature(&BRAND)
}

#[test]
fn kenya_is_unsigned_and_carries_the_update() -> Check {
    c::unsigned_region(&BRAND)
}

#[test]
fn duplicate_delivery() -> Check {
    c::duplicate(&BRAND)
}

#[test]
fn late_processing_keeps_final_state() -> Check {
    c::late_processing_after_final(&BRAND)
}

#[test]
fn mexico_number_amount_signed_over_its_text() -> Check {
    c::number_amount(&BRAND)
}

#[test]
fn brazil_sign_in_header() -> Check {
    c::header_signature(&BRAND)
}

#[test]
fn secret_never_printed() -> Check {
    secrets::never_printed(&BRAND)
}
