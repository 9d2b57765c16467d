from tests.referrals.conftest import referral_input, workwell_site  # noqa: F401  # shared fixtures
