"""Page URLs (names live in the "approvals" namespace)."""

urlpatterns = []
