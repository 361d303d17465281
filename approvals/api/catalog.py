"""PLACEHOLDER"""
from rest_framework import viewsets

from approvals.models import Department, Package, ServiceItem


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.all()


class ServiceItemViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ServiceItem.objects.all()


class PackageViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Package.objects.all()
