"""PLACEHOLDER"""
from django.http import HttpResponse


def item_list(request):
    return HttpResponse("x")


item_detail = package_list = package_detail = item_list
