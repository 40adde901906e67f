//! Callback verification vectors against Vexora's regions
//! (`payout_platform::testing::callbacks`), and the secret never printed.

payout_platform::callback_tests!(provider_vexora::BRAND);
