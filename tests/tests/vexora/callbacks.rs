//! Callback verification vectors against Vexora's regions
//! (`payout_testkit::platform::callbacks`), and the secret never printed.

payout_testkit::callback_tests!(provider_vexora::BRAND);
