from . import calendar  # noqa: F401
from . import catalog  # noqa: F401
from . import documents  # noqa: F401
