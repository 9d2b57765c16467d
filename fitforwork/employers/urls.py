"""The employer's portal, under /employer/ (config/urls.py)."""

from django.urls import URLPattern, path

from fitforwork.employers.web import portal

app_name = "employers"

urlpatterns: list[URLPattern] = [
    path("", portal.employees, name="employees"),
    path("<uuid:case_id>/", portal.employee, name="employee"),
    path("<uuid:case_id>/plan/<int:number>/", portal.plan, name="plan"),
    path("<uuid:case_id>/plan/<int:number>/pdf/", portal.plan_pdf, name="plan-pdf"),
    path("<uuid:case_id>/plan/<int:number>/acknowledge/", portal.plan_acknowledge, name="plan-acknowledge"),
    path("<uuid:case_id>/plan/<int:number>/respond/", portal.plan_respond, name="plan-respond"),
]
