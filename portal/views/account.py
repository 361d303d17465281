from django.http import HttpResponse


def account(request):
    return HttpResponse("account")


enrol_totp = account
