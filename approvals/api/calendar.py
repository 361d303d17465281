"""PLACEHOLDER: replaced by the calendar work."""
from rest_framework.views import APIView


class CalendarDaysView(APIView):
    pass


class AddWorkingDaysView(APIView):
    pass
