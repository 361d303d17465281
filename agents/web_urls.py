"""Page URLs of the agents package (namespace "agents")."""

app_name = "agents"

urlpatterns = []
