"""The signer's own controls, reached from the link in every email: no account needed."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from ..models import Signature, Signer

# What the manage page's buttons do; each is one model method.
CHANGES = {
    "hide_name": lambda signer: signer.hide_name(),
    "show_name": lambda signer: signer.show_name_again(),
    "unsubscribe": lambda signer: signer.unsubscribe(),
}


def _page(request, signer, step, status=200, **context):
    context |= {"step": step}
    if signer is not None:
        context |= {
            "signer": signer,
            "petition": signer.petition,
            "kind": signer.KIND,
            "is_signature": isinstance(signer, Signature),
        }
    return render(request, "petition/manage.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    signer = Signer.from_token(token, "manage")
    if signer is None:
        return _page(request, None, "invalid", status=404)
    if request.method == "GET":
        return _page(request, signer, "manage", token=token)
    change = request.POST.get("change", "")
    if change == "withdraw":
        if request.POST.get("sure") != "yes":
            return _page(request, signer, "manage", token=token, withdraw_unconfirmed=True)
        signer.withdraw()
        return _page(request, signer, "withdrawn")
    if change not in CHANGES or (change.endswith("_name") and not isinstance(signer, Signature)):
        return _page(request, signer, "manage", status=400, token=token)
    CHANGES[change](signer)
    return _page(request, signer, "manage", token=token, changed=change)


@never_cache
@require_safe
def download(request, token):
    signer = Signer.from_token(token, "manage")
    if signer is None:
        return _page(request, None, "invalid", status=404)
    data = signer.personal_data()
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-signature.json"'
    return response


@never_cache
@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form; the token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    signer = Signer.from_token(token, "manage")
    if signer is None:
        return _page(request, None, "invalid", status=404)
    if request.method == "POST":
        signer.unsubscribe()
        return _page(request, signer, "unsubscribed")
    return _page(request, signer, "unsubscribe")
