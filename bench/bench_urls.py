"""The service's URLs plus a bare view that inserts one row and answers, with none of the service's work:
the floor for what any Django view writing to this database can do on this machine."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as service_urlpatterns
from fitforwork.referrals.models import Submission


@csrf_exempt
@login_not_required
def bare_insert(request: HttpRequest) -> JsonResponse:
    submission = Submission.objects.create(channel="bench", payload=json.loads(request.body or b"{}"))
    return JsonResponse({"id": str(submission.pk)}, status=201)


urlpatterns = [*service_urlpatterns, path("bench/bare-insert/", bare_insert)]
