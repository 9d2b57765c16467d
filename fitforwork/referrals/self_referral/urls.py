app_name = "self_referral"

urlpatterns: list = []
