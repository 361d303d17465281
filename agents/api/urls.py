"""REST API of the agents package under /api/v1/."""

urlpatterns = []
